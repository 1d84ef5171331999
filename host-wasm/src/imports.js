// Declares to emcc the functions the module imports from otlp.mjs (module "env"); the bodies
// here are never used: the .wasm is standalone and otlp.mjs supplies the real ones.
mergeInto(LibraryManager.library, {
  now_ms: function () {},
  format_double: function () {},
  parse_double: function () {},
});
