// ssh2's Client behind a module of our own, which ssh-shell.ts imports when it first connects.
// ssh2 is CommonJS: a static import of it gets its named exports both from Node and from the
// bundler (scripts/bundle.mjs), while `await import('ssh2')` in a bundle gives only `default`.
export { Client } from 'ssh2';
