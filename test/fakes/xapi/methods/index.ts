import type { MethodTable } from '../context.js';
import { deviceMethods } from './devices.js';
import { genericMethods } from './generic.js';
import { sessionEventMethods } from './session-events.js';
import { storageMethods } from './storage.js';
import { vmLifecycleMethods } from './vm-lifecycle.js';
import { vmMethods } from './vm.js';

/** Every method the fake answers; class-specific bodies replace the generated ones. */
export function buildMethodTable(): MethodTable {
  const table: MethodTable = new Map();
  genericMethods(table);
  vmMethods(table);
  vmLifecycleMethods(table);
  deviceMethods(table);
  sessionEventMethods(table);
  storageMethods(table);
  return table;
}
