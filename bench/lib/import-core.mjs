// Cold import of our entry point (timed by run.mjs as the wall time of this whole process).
await import('@mail/core');
