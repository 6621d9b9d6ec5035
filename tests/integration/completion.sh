# codex completion bash|zsh|fish: each generated script runs in its own shell and
# completes commands, options, option values and the words after a command; and the
# scripts stay true to every command's --help.
. "$(dirname "$0")/lib.sh"

need() {
	command -v "$1" > /dev/null || { echo "# skip: $1 is not installed"; return 1; }
}

# bash_complete WORD...: the candidates bash offers for the last word.
bash_complete() {
	"$CODEX" completion bash > "$T/c.bash"
	bash --norc -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _codex
		printf "%s\n" "${COMPREPLY[@]}"' _ "$T/c.bash" "$@"
}

# zsh_complete WORD...: the same in zsh, with compadd and _files recording what the
# completion function offers (the completion system itself needs a terminal).
zsh_complete() {
	"$CODEX" completion zsh > "$T/c.zsh"
	zsh -f -c '
		compadd() {
			local arrays=0 w
			while (( $# )); do
				case $1 in
				-d) shift 2 ;;
				-a) arrays=1; shift ;;
				--) shift; break ;;
				*) break ;;
				esac
			done
			for w in "$@"; do
				if (( arrays )); then print -rl -- "${(P@)w}"; else print -r -- "$w"; fi
			done
		}
		_files() { print -r -- "_files $*"; }
		compdef() { print -r -- "compdef $*"; }
		source "$1"
		shift
		words=("$@")
		CURRENT=$#
		_codex' _ "$T/c.zsh" "$@"
}

# fish_complete 'COMMAND LINE': fish's own completion engine on the line.
fish_complete() {
	"$CODEX" completion fish > "$T/c.fish"
	fish --no-config -c "source '$T/c.fish'; complete -C '$1'" | cut -f1
}

test_bash_completes_commands_flags_and_values() {
	need bash || return 0
	out=$(bash_complete codex log)
	expect_eq "$out" "login
logout"
	expect_eq "$(bash_complete codex login --w)" "--with-api-key"
	expect_eq "$(bash_complete codex login st)" "status"
	expect_eq "$(bash_complete codex sandbox -s w)" "workspace-write"
	expect_eq "$(bash_complete codex -c model=x debug --ask-for-approval o)" "on-failure
on-request"
	expect_eq "$(bash_complete codex completion f)" "fish"
	# A directory value completes directories.
	mkdir -p "$T/work/dir-a"
	(cd "$T/work" && expect_eq "$(bash_complete codex sandbox --cd dir)" "dir-a")
	# Global flags before a command.
	expect_contains "$(bash_complete codex --)" "--version"
}

test_bash_script_registers_itself() {
	need bash || return 0
	"$CODEX" completion bash > "$T/c.bash"
	out=$(bash --norc -c 'source "$1"; complete -p codex' _ "$T/c.bash")
	expect_eq "$out" "complete -F _codex codex"
	# The default shell is bash.
	"$CODEX" completion > "$T/default.bash"
	cmp "$T/c.bash" "$T/default.bash"
}

test_zsh_completes_commands_flags_and_values() {
	need zsh || return 0
	out=$(zsh_complete codex log)
	expect_contains "$out" "compdef _codex codex"
	expect_contains "$out" "login"
	expect_contains "$out" "logout"
	out=$(zsh_complete codex login --w)
	expect_contains "$out" "--with-api-key"
	out=$(zsh_complete codex sandbox --network-mode l)
	expect_contains "$out" "limited"
	out=$(zsh_complete codex debug c)
	expect_contains "$out" "config"
	out=$(zsh_complete codex sandbox --add-dir x)
	expect_contains "$out" "_files -/"
}

test_fish_completes_commands_flags_and_values() {
	need fish || return 0
	out=$(fish_complete 'codex log')
	expect_eq "$out" "login
logout"
	expect_eq "$(fish_complete 'codex login --w')" "--with-api-key"
	expect_contains "$(fish_complete 'codex login ')" "status"
	expect_eq "$(fish_complete 'codex sandbox --sandbox w')" "workspace-write"
	expect_eq "$(fish_complete 'codex -p prof debug --sandbox d')" "danger-full-access"
	expect_contains "$(fish_complete 'codex proxy --dangerously')" "--dangerously-allow-non-loopback-proxy"
}

# Every long option a command's --help shows is offered by the completion for that
# command, so a flag added without its table entry fails here.
test_scripts_cover_every_flag_of_every_help() {
	need bash || return 0
	cmds=$("$CODEX" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { sub(/,$/, "", $1); print $1 }')
	[ -n "$cmds" ] || fail "no commands in codex --help"
	for c in $cmds; do
		"$CODEX" "$c" --help > "$T/help" 2>&1 || true
		flags=$(grep -oE '^ +(-[A-Za-z], )?--[a-z][a-z0-9-]*' "$T/help" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
		offered=$(bash_complete codex "$c" -- | sort -u)
		for f in $flags; do
			grep -qx -- "$f" <<< "$offered" || fail "codex $c --help lists $f, its completion does not"
		done
	done
	# And the command list is the one --help shows.
	expect_eq "$(bash_complete codex '' | sort)" "$(sort <<< "$cmds")"
}

test_bad_shell_is_a_usage_error() {
	expect_status 2 "$CODEX" completion powershell
	expect_contains "$(cat "$T/err")" "invalid shell 'powershell'"
	expect_status 0 "$CODEX" completion --help
	expect_contains "$(cat "$T/out")" "Usage: codex completion"
}

run_tests
