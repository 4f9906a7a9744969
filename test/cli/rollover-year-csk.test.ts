/**
 * A year of a CSK zone through the command line: see
 * test/manager/helpers/year-simulation.ts for what is driven and asserted.
 * The CSK rollover after a year, at the RFC 7583 times.
 */
import { D, describeYear, firstSigningSteps, kskSteps } from '../manager/helpers/year-simulation.ts';

describeYear('CSK', ['keys=csk'], [...firstSigningSteps(), ...kskSteps(365 * D, 'csk')]);
