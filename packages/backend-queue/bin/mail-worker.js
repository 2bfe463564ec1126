#!/usr/bin/env node
// The `mail-worker` command. A committed file (not dist/) so pnpm can link the bin before a build.
import '../dist/cli.js';
