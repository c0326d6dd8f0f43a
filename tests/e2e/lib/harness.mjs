// The end-to-end harness: real chatd processes and real clients. The suites import from here;
// the parts are processes.mjs (nodes, chat-kafka, chat-streamer), clients.mjs (REST, STOMP,
// tokens), inspect.mjs (stores, metrics, fault points, Kafka) and util.mjs.
export * from './util.mjs';
export * from './processes.mjs';
export * from './clients.mjs';
export * from './inspect.mjs';
