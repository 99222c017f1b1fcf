// The assertion every JS test uses for a refused input: a MomoError with
// this code (and this field, when given).
import assert from 'node:assert/strict';
import { MomoError, isMomoError } from 'momo-pos';

export function throwsMomo(fn, code, field) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught, 'expected a throw');
  assert.ok(caught instanceof MomoError, `not a MomoError: ${caught}`);
  assert.ok(caught instanceof Error);
  assert.ok(isMomoError(caught));
  assert.equal(caught.code, code, caught.message);
  if (field !== undefined) assert.equal(caught.field, field, caught.message);
  return caught;
}
