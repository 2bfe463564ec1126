#!/usr/bin/env node
// The `mail-debug-server` command. A committed file (not dist/) so pnpm can link the bin before a build.
import '../dist/cli.js';
