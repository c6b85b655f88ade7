/** This package's version: safe registration compares it with an already defined element's. */
export const VERSION = '0.1.0';
