/** The script-tag build (dist/t.js, served as /__tailor/t.js). */
import { start } from './core.ts';

start();
