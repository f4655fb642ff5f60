/**
 * Jest transform for PGlite's CommonJS build. It loads Node built-ins with `import("fs/promises")`
 * and similar, which Jest's CommonJS runtime refuses without --experimental-vm-modules. Rewriting
 * `import("<builtin>")` to `Promise.resolve(require("<builtin>"))` keeps the behaviour (the
 * built-ins are already CommonJS) and lets the registry tests run on embedded PGlite.
 * Plain Node (tsx, bin/kyso.js) runs the file unchanged.
 */
const { builtinModules } = require('node:module');
const builtins = new Set(builtinModules);

module.exports = {
  process(source) {
    const code = source.replace(/\bimport\("([^"]+)"\)/g, (all, name) =>
      builtins.has(name.replace(/^node:/, '')) ? `Promise.resolve(__kysoRequire("${name}"))` : all,
    );
    // The bundle declares its own `var require` in places; keep a handle on the real one.
    return { code: `const __kysoRequire = require;${code}` };
  },
  getCacheKey(source, filename) {
    return require('node:crypto').createHash('sha256').update('v2').update(filename).update(source).digest('hex');
  },
};
