# Shared by bench/*/run.sh. Usage: . "$ROOT/bench/lib.sh"

# bench_replace_section NAME FILE: puts FILE (which starts with "<!-- bench/NAME:begin" and ends with
# "<!-- bench/NAME:end -->") into docs/benchmarks.md in place of that bench's previous section, or appends it.
bench_replace_section() {
  local name="$1" section="$2" doc="$ROOT/docs/benchmarks.md"
  if grep -q "bench/$name:begin" "$doc"; then
    awk -v f="$section" -v b="bench/$name:begin" -v e="bench/$name:end" \
      'index($0, b){while((getline l < f)>0) print l; skip=1; next} index($0, e){skip=0; next} !skip' "$doc" > "$doc.tmp"
  else
    { cat "$doc"; echo; cat "$section"; } > "$doc.tmp"
  fi
  mv "$doc.tmp" "$doc"
}

# bench_output FILE: the bench's captured output for the docs, without the start-up banner of a Kefu hosted in-process
# (where it runs, and a one-time admin password that has no place in a document).
bench_output() {
  grep -v -e '^Kefu is running at' -e "^Sign in as 'admin'" -e '^Demo API token' -e '^Press Ctrl+C' "$1" | cat -s
}
