# Sourced by tests/bench/*.sh: the one machine-readable line every benchmark prints for
# each figure it compares, which tests/bench/run.sh gathers into its summary table.
# The format is documented at the top of run.sh.

# bench_line SUITE CASE METRIC BETTER OURS AGAINST THEIRS
#   BETTER is "lower" or "higher"; OURS and THEIRS are plain numbers, or "-" when the
#   figure could not be had (the alternative is not installed, a run failed).
bench_line() {
	if [ $# -ne 7 ]; then
		echo "bench_line: 7 fields expected, got $#: $*" >&2
		return 1
	fi
	case $4 in lower | higher) ;; *)
		echo "bench_line: BETTER must be lower or higher, not '$4'" >&2
		return 1
		;;
	esac
	for f in "$@"; do
		case $f in *[[:space:]]* | '')
			echo "bench_line: empty field or whitespace in '$f'" >&2
			return 1
			;;
		esac
	done
	for f in "$5" "$7"; do
		[ "$f" = - ] || [[ $f =~ ^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]] || {
			echo "bench_line: '$f' is not a number" >&2
			return 1
		}
	done
	echo "BENCH $*"
}

# bench_need PACKAGE...: installs the Debian packages a benchmark drives that are missing
# (as root or with sudo, like tests/install-deps.sh); returns 1, with a note, when they
# cannot be had, so that the benchmark skips what needs them.
bench_need() {
	local need= p sudo=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q 'ok installed' || need="$need $p"
	done
	[ -z "$need" ] && return 0
	command -v apt-get > /dev/null || { echo "bench: missing$need (no apt-get)" >&2; return 1; }
	if [ "$(id -u)" != 0 ]; then
		sudo -n true 2> /dev/null || { echo "bench: missing$need (not root, no sudo)" >&2; return 1; }
		sudo=sudo
	fi
	echo "bench: installing$need" >&2
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get install -y -qq --no-install-recommends $need > /dev/null 2>&1 || {
		$sudo apt-get update -qq > /dev/null 2>&1
		$sudo apt-get install -y -qq --no-install-recommends $need > /dev/null 2>&1
	} || { echo "bench: could not install$need" >&2; return 1; }
}
