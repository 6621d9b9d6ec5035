/* The user-agent header, in upstream's format:
 *   codex_exec/0.118.0 (Debian 12.0.0; x86_64) xterm (codex-exec; 0.118.0)
 * originator/version, the OS and its version as the os_info crate names them (from
 * /etc/os-release), the machine, the terminal (upstream's detection order), and an
 * optional suffix. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "base/buf.h"
#include "model/internal.h"

char *model_user_agent_format(const char *originator, const char *version, const char *os_type,
			      const char *os_version, const char *arch, const char *terminal,
			      const char *suffix)
{
	struct buf b;
	char *s;

	buf_init(&b, 4096);
	if (buf_printf(&b, "%s/%s (%s %s; %s) %s", originator, version, os_type, os_version, arch,
		       terminal) < 0 ||
	    (suffix && buf_printf(&b, " (%s)", suffix) < 0))
		return NULL;
	s = buf_take(&b);
	/* A header value must be visible ASCII (and spaces). */
	for (char *p = s; p && *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '_';
	return s;
}

/* Terminal names go into the header as [A-Za-z0-9._/-], anything else as '_'. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._/-", *s))
			*s = '_';
}

static bool set(const char *name)
{
	const char *v = getenv(name);

	return v && *v;
}

static void terminal_name(char *out, size_t cap)
{
	const char *prog = getenv("TERM_PROGRAM"), *ver = getenv("TERM_PROGRAM_VERSION");
	const char *term = getenv("TERM");

	if (prog && *prog)
		snprintf(out, cap, "%s%s%s", prog, ver && *ver ? "/" : "", ver && *ver ? ver : "");
	else if (set("WEZTERM_VERSION"))
		snprintf(out, cap, "WezTerm/%s", getenv("WEZTERM_VERSION"));
	else if (set("KITTY_WINDOW_ID") || (term && strstr(term, "kitty")))
		snprintf(out, cap, "kitty");
	else if (set("ALACRITTY_SOCKET") || (term && strcmp(term, "alacritty") == 0))
		snprintf(out, cap, "Alacritty");
	else if (set("KONSOLE_VERSION"))
		snprintf(out, cap, "Konsole/%s", getenv("KONSOLE_VERSION"));
	else if (set("GNOME_TERMINAL_SCREEN"))
		snprintf(out, cap, "gnome-terminal");
	else if (set("VTE_VERSION"))
		snprintf(out, cap, "VTE/%s", getenv("VTE_VERSION"));
	else if (set("WT_SESSION"))
		snprintf(out, cap, "WindowsTerminal");
	else
		snprintf(out, cap, "%s", term && *term ? term : "unknown");
	sanitize(out);
}

/* KEY=value or KEY="value" from os-release text. */
static bool os_release_value(const char *text, const char *key, char *out, size_t cap)
{
	size_t kl = strlen(key);
	const char *line = text;

	while (line && *line) {
		if (strncmp(line, key, kl) == 0 && line[kl] == '=') {
			const char *v = line + kl + 1;
			size_t n = 0;
			if (*v == '"' || *v == '\'')
				v++;
			while (v[n] && v[n] != '\n' && v[n] != '"' && v[n] != '\'' && n + 1 < cap) {
				out[n] = v[n];
				n++;
			}
			out[n] = '\0';
			return n > 0;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return false;
}

static void os_names(char *type, size_t tcap, char *version, size_t vcap)
{
	static const char *const names[][2] = {
		{"debian", "Debian"}, {"ubuntu", "Ubuntu"}, {"fedora", "Fedora"},
		{"alpine", "Alpine Linux"}, {"arch", "Arch Linux"}, {"centos", "CentOS"},
		{"rhel", "Red Hat Enterprise Linux"}, {"amzn", "Amazon Linux"},
		{"opensuse-leap", "openSUSE"}, {"opensuse-tumbleweed", "openSUSE"},
		{"linuxmint", "Linux Mint"}, {"manjaro", "Manjaro"}, {"nixos", "NixOS"},
		{"rocky", "Rocky Linux"}, {"almalinux", "AlmaLinux"}, {"pop", "Pop!_OS"},
		{"gentoo", "Gentoo Linux"}, {"void", "Void Linux"}, {"mariner", "Mariner"},
	};
	char text[8192] = "", id[64] = "", ver[64] = "";
	FILE *f = fopen("/etc/os-release", "re");
	unsigned parts[3] = {0, 0, 0};
	int n = 0;

	if (!f)
		f = fopen("/usr/lib/os-release", "re");
	if (f) {
		size_t got = fread(text, 1, sizeof text - 1, f);
		text[got] = '\0';
		fclose(f);
	}
	snprintf(type, tcap, "Linux");
	if (os_release_value(text, "ID", id, sizeof id))
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			if (strcmp(id, names[i][0]) == 0)
				snprintf(type, tcap, "%s", names[i][1]);
	if (!os_release_value(text, "VERSION_ID", ver, sizeof ver)) {
		snprintf(version, vcap, "Unknown");
		return;
	}
	/* As os_info: up to three numbers become major.minor.patch ("12" is 12.0.0);
	 * anything else is shown as it is. */
	for (const char *p = ver; n < 3 && isdigit((unsigned char)*p); n++) {
		char *end;
		parts[n] = (unsigned)strtoul(p, &end, 10);
		p = end;
		if (*p == '.')
			p++;
		else if (*p) {
			n = -1;
			break;
		}
	}
	if (n > 0)
		snprintf(version, vcap, "%u.%u.%u", parts[0], parts[1], parts[2]);
	else
		snprintf(version, vcap, "%s", ver);
}

char *model_user_agent(const char *originator, const char *suffix)
{
	struct utsname u;
	char type[64], version[64], terminal[128];

	os_names(type, sizeof type, version, sizeof version);
	terminal_name(terminal, sizeof terminal);
	if (uname(&u) < 0)
		snprintf(u.machine, sizeof u.machine, "unknown");
	return model_user_agent_format(originator ? originator : "codex_cli_rs", CODEX_VERSION,
				       type, version, u.machine, terminal, suffix);
}
