"""Pure parsing functions (no I/O), unit-tested on their own."""
