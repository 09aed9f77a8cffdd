// The signed-in clinic (from `me`) and its time zone, which every date on screen is shown in.
import { createContext, useContext } from 'react';
import { graphql } from '../gql';
import type { ClinicQuery } from '../gql/graphql';

export const ClinicDocument = graphql(`
  query Clinic {
    me {
      id
      name
      timeZone
      defaultLocale
    }
  }
`);

export type Clinic = ClinicQuery['me'];

export const ClinicContext = createContext<Clinic | null>(null);

export function useClinic(): Clinic {
  const clinic = useContext(ClinicContext);
  if (!clinic) throw new Error('useClinic outside the signed-in app');
  return clinic;
}
