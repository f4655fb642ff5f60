/**
 * Every registry migration, in order. To add one: create `NNN-name.ts` exporting
 * `migration: Migration` beside this file and add one line to the list below.
 */
import type { Migration } from '../migrate';
import { migration as m001 } from './001-core';
import { migration as m002 } from './002-receipts';
import { migration as m003 } from './003-exchange';
import { migration as m004 } from './004-audit-sealing';

/** The ordered list applied by openDatabase. */
export const MIGRATIONS: readonly Migration[] = [
  m001,
  m002,
  m003,
  m004,
];
