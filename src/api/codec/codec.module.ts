// The codec server as its own Nest module: its routes, and CORS on them alone.
import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { AroConfig } from '../../config';
import { ARO_CONFIG } from '../tokens';
import { CodecController } from './codec.controller';
import { CodecCors } from './codec-cors';

@Module({})
export class CodecModule implements NestModule {
  static forRoot(config: AroConfig): DynamicModule {
    return { module: CodecModule, controllers: [CodecController], providers: [{ provide: ARO_CONFIG, useValue: config }, CodecCors] };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CodecCors).forRoutes(CodecController);
  }
}
