#!/usr/bin/env bash
# Run `tokenomics check` for the composite action (action.yml) from the inputs in INPUT_* and
# report through the GitHub files: `check --github` writes annotations, $GITHUB_OUTPUT values and
# the step summary itself; this script adds exit-code and comment-file. The exit code is the
# gate's: 0 pass, 1 budget failed, 2 error (anything else is mapped to 2).
set -u
root="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
out="${GITHUB_OUTPUT:-/dev/null}"
comment="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/tokenomics-comment.md"

args=(check --github --comment "$comment")
[ -n "${INPUT_CONFIG:-}" ] && args=(--config "$INPUT_CONFIG" "${args[@]}")
if [ -n "${INPUT_BASE_REF:-}" ]; then
  ref="$INPUT_BASE_REF"
  branch="${ref#origin/}"
  # check compares with the merge-base of the base and HEAD. actions/checkout's default (fetch-depth: 1)
  # has neither the base (origin/main -> main) nor the history back to the merge-base: fetch them before
  # failing; still missing, check says so (exit 2)
  if ! git merge-base "$ref" HEAD >/dev/null 2>&1; then
    if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
      git fetch --no-tags --quiet --unshallow origin "+$branch:refs/remotes/origin/$branch" >/dev/null 2>&1 ||
        git fetch --no-tags --quiet --unshallow origin >/dev/null 2>&1 || true
    else
      git fetch --no-tags --quiet origin "+$branch:refs/remotes/origin/$branch" >/dev/null 2>&1 || true
    fi
  fi
  args+=(--base-ref "$ref")
fi
[ -n "${INPUT_MAX_INCREASE_PCT:-}" ] && args+=(--max-increase-pct "$INPUT_MAX_INCREASE_PCT")
[ -n "${INPUT_MONTHLY_BUDGET:-}" ] && args+=(--max-total-monthly-usd "$INPUT_MONTHLY_BUDGET")
if [ -n "${INPUT_TRAFFIC:-}" ]; then
  read -r -a traffic <<< "$INPUT_TRAFFIC"
  args+=(--traffic "${traffic[@]}")
fi
if [ -n "${INPUT_ARGS:-}" ]; then
  read -r -a extra <<< "$INPUT_ARGS"
  args+=("${extra[@]}")
fi
if [ -n "${INPUT_PATHS:-}" ]; then
  read -r -a paths <<< "$INPUT_PATHS"
  args+=(-- "${paths[@]}")
fi

node "$root/bin/tokenomics.js" "${args[@]}"
code=$?
case "$code" in 0 | 1 | 2) ;; *) code=2 ;; esac
{
  echo "exit-code=$code"
  [ -f "$comment" ] && echo "comment-file=$comment"
  # an error before the gate ran leaves no status: say so
  grep -q '^status=' "$out" 2>/dev/null || echo "status=error"
} >> "$out"
exit "$code"
