/**
 * A year of a KSK+ZSK zone (default policy) through the command line: see
 * test/manager/helpers/year-simulation.ts for what is driven and asserted.
 * Four ZSK pre-publications and one KSK double-DS, at the RFC 7583 times.
 */
import { D, describeYear, firstSigningSteps, kskSteps, zskSteps } from '../manager/helpers/year-simulation.ts';

describeYear('KSK+ZSK (default policy)', [], [...firstSigningSteps(), ...zskSteps(), ...kskSteps(365 * D, 'ksk')]);
