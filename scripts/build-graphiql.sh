#!/usr/bin/env bash
# Builds the GraphiQL page that package graphql/graphiql embeds and serves,
# from graphql/graphiql/src into graphql/graphiql/assets (committed, so that
# `go build` needs no npm), and writes graphql/graphiql/THIRD_PARTY_NOTICES.txt
# (the licences of what went into it).
#
# Installs the pinned npm packages below into .tools/graphiql-build/ (ignored
# by git) with `npm ci` from the committed lock file
# graphql/graphiql/src/npm-shrinkwrap.json, so that every package, direct or
# not, is the same at every run, then bundles with esbuild, minified and in
# production mode: the same sources give the same bytes. Run it again after
# changing anything in graphql/graphiql/src, and commit the assets with it.
#
#	scripts/build-graphiql.sh            build from the lock file
#	scripts/build-graphiql.sh --update   resolve the versions below afresh
#	                                     and rewrite the lock file first
#
# Versions (direct; the lock file pins the rest, among them @graphiql/react
# 0.39.1, monaco-editor 0.52.2, monaco-graphql 1.9.0 and prettier):
#	graphiql 5.4.0, react 19.3.1, react-dom 19.3.1, graphql 16.15.0,
#	esbuild 0.28.2
# graphql 16, not 17: graphiql 5.4.0 accepts ^15.5 || ^16 || ^17, and 16 is
# the line the rest of the project's JavaScript uses (graphql 17 needs
# Node.js 22; Debian 12 ships 20). Keep these in step with
# graphql/graphiql/doc.go.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
src="$root/graphql/graphiql/src"
assets="$root/graphql/graphiql/assets"
notice="$root/graphql/graphiql/THIRD_PARTY_NOTICES.txt"
work="$root/.tools/graphiql-build"
lock="$src/npm-shrinkwrap.json"

update=false
case "${1:-}" in
"") ;;
--update) update=true ;;
*)
	echo "usage: $0 [--update]" >&2
	exit 2
	;;
esac

for tool in node npm; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "graphiql: $tool not found; install Node.js 18 or later (Debian: apt-get install nodejs npm)" >&2
		exit 1
	fi
done

mkdir -p "$work"
cat >"$work/package.json" <<'EOF'
{
  "private": true,
  "description": "GraphiQL page of graphql/graphiql (scripts/build-graphiql.sh)",
  "dependencies": {
    "esbuild": "0.28.2",
    "graphiql": "5.4.0",
    "graphql": "16.15.0",
    "react": "19.3.1",
    "react-dom": "19.3.1"
  }
}
EOF

# Install only when the package list or the lock file changed since the last
# install here.
if $update || [ ! -f "$lock" ]; then
	echo "graphiql: resolving packages afresh into $lock"
	rm -rf "$work/node_modules" "$work/npm-shrinkwrap.json" "$work/package-lock.json" "$work/.installed"
	(cd "$work" && npm install --no-audit --no-fund --ignore-scripts)
	mv "$work/package-lock.json" "$lock"
	cp "$lock" "$work/npm-shrinkwrap.json"
	cat "$work/package.json" "$lock" | sha256sum | cut -d' ' -f1 >"$work/.installed"
fi
stamp="$(cat "$work/package.json" "$lock" | sha256sum | cut -d' ' -f1)"
if [ ! -d "$work/node_modules" ] || [ "$(cat "$work/.installed" 2>/dev/null)" != "$stamp" ]; then
	echo "graphiql: installing the locked packages into $work"
	cp "$lock" "$work/npm-shrinkwrap.json"
	# --ignore-scripts: esbuild's binary comes in its optional package
	# (@esbuild/linux-x64 and the like); nothing else needs a script.
	(cd "$work" && npm ci --no-audit --no-fund --ignore-scripts)
	echo "$stamp" >"$work/.installed"
fi

cp "$src/main.js" "$src/main.css" "$src/index.html" "$src/build.mjs" "$work/"
(cd "$work" && node build.mjs "$assets" "$notice")

echo "graphiql: gzip -9 sizes (the handler serves gzip to clients that take it):"
for f in "$assets"/*; do
	[ -f "$f" ] && printf '%9d  %s\n' "$(gzip -9c "$f" | wc -c)" "${f#"$assets"/}"
done
