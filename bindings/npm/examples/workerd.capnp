# fetch-ipn.mjs on workerd, Cloudflare's Workers runtime (npm install
# workerd), in a project where momo-pos is installed and examples/ was
# copied in. The settings come from the environment:
#
#   MOMO_PARTNER_CODE=... MOMO_ACCESS_KEY=... MOMO_SECRET_KEY=... \
#   ORDERS='{"ORDER-1001":59000}' \
#   npx workerd serve examples/workerd.capnp --socket-addr http=127.0.0.1:8080
#
# workerd reads no node_modules and resolves every import, bare or not,
# against the importing module's name: each module is listed here, named so
# that the imports of the files in examples/ find them.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "ipn", worker = .ipnWorker)],
  sockets = [(name = "http", address = "127.0.0.1:8080", http = (), service = "ipn")],
);

const ipnWorker :Workerd.Worker = (
  compatibilityDate = "2025-06-01",
  modules = [
    (name = "fetch-ipn-worker.mjs", esModule = embed "fetch-ipn-worker.mjs"),
    (name = "fetch-ipn.mjs", esModule = embed "fetch-ipn.mjs"),
    (name = "shop.mjs", esModule = embed "shop.mjs"),
    # "momo-pos": the package's web entry, as its "browser" export condition says.
    (name = "momo-pos", esModule = "export * from 'momo-pos/dist/web/full.js';"),
    (name = "momo-pos/dist/web/full.js", esModule = embed "../node_modules/momo-pos/dist/web/full.js"),
    (name = "momo-pos/dist/web/full/momo_pos.js", esModule = embed "../node_modules/momo-pos/dist/web/full/momo_pos.js"),
    (name = "momo-pos/momo_pos_bg.wasm", wasm = embed "../node_modules/momo-pos/dist/web/full/momo_pos_bg.wasm"),
    (name = "momo-pos/dist/error.mjs", esModule = embed "../node_modules/momo-pos/dist/error.mjs"),
    (name = "momo-pos/dist/ipn-request.mjs", esModule = embed "../node_modules/momo-pos/dist/ipn-request.mjs"),
    (name = "momo-pos/dist/packed.mjs", esModule = embed "../node_modules/momo-pos/dist/packed.mjs"),
  ],
  # An unset variable is null in env, and shop.mjs falls back to its default.
  bindings = [
    (name = "MOMO_PARTNER_CODE", fromEnvironment = "MOMO_PARTNER_CODE"),
    (name = "MOMO_ACCESS_KEY", fromEnvironment = "MOMO_ACCESS_KEY"),
    (name = "MOMO_SECRET_KEY", fromEnvironment = "MOMO_SECRET_KEY"),
    (name = "MOMO_ENV", fromEnvironment = "MOMO_ENV"),
    (name = "ORDERS", fromEnvironment = "ORDERS"),
  ],
);
