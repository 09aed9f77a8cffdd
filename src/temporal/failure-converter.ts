// The failure converter of every ARO client and worker, loaded by path (DataConverter.failureConverterPath)
// in the workflow sandbox too: failure messages and stack traces travel as an encoded payload, so the
// payload codec encrypts them like any other data (an activity's error may quote a patient's reply).
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
