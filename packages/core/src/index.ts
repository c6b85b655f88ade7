export * from './model.js';
export * from './errors.js';
export * from './config.js';
export * from './commands.js';
export * from './rules.js';
export * from './machine.js';
export * from './protocol.js';
