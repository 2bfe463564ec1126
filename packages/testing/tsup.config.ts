import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.base';

export default defineConfig(packageConfig({"index": "src/index.ts", "vitest": "src/vitest.ts", "conformance": "src/conformance/index.ts", "cli": "src/cli/mail-debug-server.ts"}));
