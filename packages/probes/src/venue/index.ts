export { observeVenue, SIMULATED_PREFIX } from "./observe.ts";
export { classifyVenue } from "./classify.ts";
export { liveVenueSource, type CiFacts, type LiveVenueOptions, type VenueFactSource } from "./source.ts";
export {
  formatSimulatedVenueError,
  loadSimulatedVenue,
  simulatedVenueSource,
  SimulatedVenue,
  VENUE_FACTS_ENV,
  venueSourceFromEnv,
  type SimulatedVenueInput,
  type SimulatedVenueLoadError,
} from "./simulated.ts";
export { ENGINE_HOST_VAR, engineEndpoint } from "./engine.ts";
