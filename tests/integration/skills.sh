# Skills through `codex exec` (upstream 0.118's core-skills): the <skills_instructions>
# developer message of a new thread, the <skill> message a `$name` mention adds after the
# prompt, and [[skills.config]] disabling a skill; against the scripted model mock.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sandbox.inc"

answer='{"sse":[{"created":"r"},{"message":"All done."},{"completed":"r"}]}'

mock() {
	printf '%s\n' "$1" > "$T/script.json"
	start_mock "$T/script.json"
	BASE=http://127.0.0.1:$MOCK_PORT/v1
}

# cx [exec args...]: `codex exec` in $T/ws/sub against the mock; stdout in $T/out,
# stderr in $T/err.
cx() {
	local rc=0
	(cd "$T/ws/sub" && env -u TMPDIR HOME="$T/home" CODEX_HOME="$CODEX_HOME" MOCK_KEY=sk-test \
		"$CODEX" exec -c model_provider=mock -c model_providers.mock.name=mock \
		-c "model_providers.mock.base_url=$BASE" -c model_providers.mock.env_key=MOCK_KEY \
		"$@" < /dev/null > "$T/out" 2> "$T/err") || rc=$?
	return $rc
}

# skill DIR NAME DESCRIPTION [BODY]: a SKILL.md in DIR.
skill() {
	mkdir -p "$1"
	printf -- '---\nname: %s\ndescription: %s\n---\n%s\n' "$2" "$3" "${4:-Body of $2.}" > "$1/SKILL.md"
}

# The text of request 0's input item whose text contains $1 (or nothing).
item_with() {
	python3 "$CODEX_TOP/tests/servers/mock_script.py" get "$MOCK_LOG" 0 body.input |
		python3 -c 'import json,sys
for it in json.load(sys.stdin):
    for c in it.get("content") or []:
        if sys.argv[1] in c.get("text",""): print(it["role"]); print(c["text"])' "$1"
}

setup_skills() {
	setup root
	mkdir -p "$T/ws/sub"
	# Repository skills from the git root down to the cwd, the user's and CODEX_HOME's.
	skill "$T/ws/.agents/skills/deploy" deploy "Ship the service to production."
	skill "$T/ws/sub/.agents/skills/lint" lint "Run the linters the project uses."
	skill "$T/home/.agents/skills/notes/x" notes "Keep release notes." "Write notes in past tense."
	skill "$CODEX_HOME/skills/legacy" legacy "An older skill folder."
	# Not skills: a hidden folder, a file without front matter, one too deep.
	skill "$T/ws/.agents/skills/.hidden" hidden "Never listed."
	mkdir -p "$T/ws/.agents/skills/broken"
	echo "no front matter" > "$T/ws/.agents/skills/broken/SKILL.md"
	skill "$T/ws/.agents/skills/a/b/c/d/e/f/g" deep "Too deep to be found."
}

test_exec_lists_skills() {
	setup_skills
	mock "[$answer]"
	cx "hello"
	expect_eq "$(cat "$T/out")" "All done."
	expect_eq "$(mock_get 0 body.input.0.role)" developer
	expect_contains "$(mock_get 0 body.input.0.content.0.text)" "<permissions instructions>"
	expect_eq "$(mock_get 0 body.input.1.role)" developer
	text=$(mock_get 0 body.input.1.content.0.text)
	expect_contains "$text" "<skills_instructions>"
	expect_contains "$text" "</skills_instructions>"
	expect_contains "$text" "- deploy: Ship the service to production. (file: $(realpath "$T/ws/.agents/skills/deploy/SKILL.md"))"
	expect_contains "$text" "- lint: Run the linters the project uses. (file: $(realpath "$T/ws/sub/.agents/skills/lint/SKILL.md"))"
	expect_contains "$text" "- notes: Keep release notes."
	expect_contains "$text" "- legacy: An older skill folder."
	expect_not_contains "$text" "hidden"
	expect_not_contains "$text" "deep"
	expect_not_contains "$text" "broken"
	# Repository skills first (by name), then the user's.
	order=$(printf '%s\n' "$text" | grep -o '^- [a-z]*:' | tr '\n' ' ')
	expect_eq "$order" "- deploy: - lint: - legacy: - notes: "
	expect_contains "$(mock_get 0 body.input.2.content.0.text)" "<environment_context>"
	expect_eq "$(mock_get 0 body.input.3.content.0.text)" "hello"
	# No mention, no <skill> message.
	expect_eq "$(item_with '<skill>')" ""
}

test_exec_mention_injects_skill() {
	setup_skills
	mock "[$answer]"
	cx 'please use $notes for this, not $HOME'
	expect_eq "$(mock_get 0 body.input.3.content.0.text)" 'please use $notes for this, not $HOME'
	path=$(realpath "$T/home/.agents/skills/notes/x/SKILL.md")
	expect_eq "$(mock_get 0 body.input.4.role)" user
	expect_eq "$(mock_get 0 body.input.4.content.0.text)" "<skill>
<name>notes</name>
<path>$path</path>
---
name: notes
description: Keep release notes.
---
Write notes in past tense.

</skill>"
	expect_eq "$(mock_count)" 1
}

test_exec_disabled_skill() {
	setup_skills
	path=$(realpath "$T/ws/.agents/skills/deploy/SKILL.md")
	printf '[[skills.config]]\npath = "%s"\nenabled = false\n' "$path" > "$CODEX_HOME/config.toml"
	mock "[$answer]"
	cx 'run $deploy now'
	text=$(mock_get 0 body.input.1.content.0.text)
	expect_contains "$text" "- lint:"
	expect_not_contains "$text" "- deploy:"
	expect_eq "$(item_with '<skill>')" ""
}

test_exec_no_skills_no_message() {
	setup root
	mkdir -p "$T/ws/sub"
	mock "[$answer]"
	cx "hello"
	expect_contains "$(mock_get 0 body.input.1.content.0.text)" "<environment_context>"
	expect_eq "$(item_with '<skills_instructions>')" ""
}

test_exec_ambiguous_name_not_injected() {
	setup_skills
	skill "$T/home/.agents/skills/deploy2" deploy "A second deploy."
	mock "[$answer]"
	cx 'use $deploy'
	expect_eq "$(item_with '<skill>')" ""
}

run_tests
