/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * test_options.c: unit tests of the application options (app/sl_options.c):
 * command line, config files, precedence, validation, usage, dump and the
 * resolv.conf reader. No EAL needed.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "sl_config.h"
#include "sl_options.h"
#include "sl_test.h"

/* Never read the host's /etc/resolv.conf in these tests. */
#define NO_RESOLV "/nonexistent/sluice-test/resolv.conf"

/** An argv: program name, the given options, NULL. */
#define ARGV(...) ((char *[]){ "sluice", __VA_ARGS__, NULL })
#define ARGV0 ((char *[]){ "sluice", NULL })

static uint32_t
ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return 0xdeadbeef;
	return a.s_addr;
}

/** Fresh defaults, and resolv.conf pointed away from the host's. */
static void
setup(struct sl_config *cfg)
{
	sl_config_defaults(cfg);
	sl_resolv_conf_path = NO_RESOLV;
}

/** Run sl_options_parse on a NULL-terminated argv. */
static int
parse(struct sl_config *cfg, char *err, size_t errlen, char **av)
{
	int ac = 0;

	while (av[ac] != NULL)
		ac++;
	return sl_options_parse(ac, av, cfg, err, errlen);
}

/**
 * cfg_diff - name of the first field where @a and @b differ, or NULL.
 * Prints the difference.
 */
static const char *
cfg_diff(const struct sl_config *a, const struct sl_config *b)
{
#define DIFF(f) do {							\
	if (a->f != b->f) {						\
		fprintf(stderr, "  field %s: %llu != %llu\n", #f,	\
			(unsigned long long)a->f,			\
			(unsigned long long)b->f);			\
		return #f;						\
	}								\
} while (0)
	DIFF(gateway);
	DIFF(guest_addr);
	DIFF(prefix_len);
	DIFF(dns);
	DIFF(dns_fwd);
	DIFF(dns_fwd_port);
	if (!sl_addr_eq(&a->dns_fwd6, &b->dns_fwd6))
		return "dns_fwd6";
	DIFF(mtu);
	DIFF(host_loopback);
	DIFF(lease_time_s);
	DIFF(udp_timeout_s);
	DIFF(tcp_connect_timeout_ms);
	DIFF(tcp_idle_timeout_s);
	DIFF(max_flows);
	DIFF(tcp_buf);
	DIFF(nb_mbufs);
	DIFF(nb_rxd);
	DIFF(nb_txd);
	DIFF(netns_up);
	DIFF(dhcp_first);
	DIFF(dhcp_last);
	DIFF(max_hosts);
	DIFF(nb_dhcp_res);
	DIFF(fwd_source);
	DIFF(outbound_addr);
	if (!sl_addr_eq(&a->outbound_addr6, &b->outbound_addr6))
		return "outbound_addr6";
	DIFF(nb_fwd);
#undef DIFF
	if (memcmp(a->dhcp_res, b->dhcp_res, sizeof(a->dhcp_res)) != 0)
		return "dhcp_res";
	if (memcmp(a->fwd, b->fwd, sizeof(a->fwd[0]) * a->nb_fwd) != 0)
		return "fwd";
	if (strcmp(a->netns, b->netns) != 0) {
		fprintf(stderr, "  field netns: '%s' != '%s'\n", a->netns,
			b->netns);
		return "netns";
	}
	return NULL;
}

/** Write @text to a new file in /tmp; its name goes to @path (32 bytes). */
static int
write_tmp(char *path, const char *text)
{
	size_t len = strlen(text);
	int fd;

	strcpy(path, "/tmp/sl_test_opt_XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

/** Parse "--config <file with @text>" plus @extra (NULL-terminated). */
static int
parse_file(struct sl_config *cfg, char *err, size_t errlen, const char *text,
	char *path, char **extra)
{
	char *av[32];
	int ac = 0, rc;

	if (write_tmp(path, text) < 0)
		return -99;
	av[ac++] = "sluice";
	while (extra != NULL && *extra != NULL && ac < 29)
		av[ac++] = *extra++;
	av[ac++] = "--config";
	av[ac++] = path;
	av[ac] = NULL;
	rc = parse(cfg, err, errlen, av);
	unlink(path);
	return rc;
}

/** Run @av with stdout sent to /dev/null (for --help and --version). */
static int
parse_quiet(struct sl_config *cfg, char *err, size_t errlen, char **av)
{
	int saved, null, rc;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	null = open("/dev/null", O_WRONLY);
	if (saved >= 0 && null >= 0)
		dup2(null, STDOUT_FILENO);
	rc = parse(cfg, err, errlen, av);
	fflush(stdout);
	if (saved >= 0) {
		dup2(saved, STDOUT_FILENO);
		close(saved);
	}
	if (null >= 0)
		close(null);
	return rc;
}

SL_TEST(no_options_keep_defaults)
{
	struct sl_config cfg, def;
	char err[256];

	setup(&cfg);
	setup(&def);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV0), 0);
	SL_CHECK(cfg_diff(&cfg, &def) == NULL);
	SL_CHECK_EQ(err[0], '\0');
	/* argc 1 with a NULL err buffer is fine too */
	SL_CHECK_EQ(sl_options_parse(1, ARGV0, &cfg, NULL, 0), 0);
	SL_CHECK(cfg_diff(&cfg, &def) == NULL);
}

SL_TEST(each_option_sets_its_field)
{
	struct sl_config cfg;
	char err[256];

	setup(&cfg);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV(
		"--gateway", "192.168.7.1", "--guest-addr", "192.168.7.100",
		"--prefix-len", "25", "--dns", "192.168.7.53",
		"--dns-forward", "9.9.9.9:5353", "--mtu", "1500",
		"--host-loopback", "off", "--lease-time", "3600",
		"--udp-timeout", "60", "--tcp-connect-timeout", "2500",
		"--tcp-idle-timeout", "600", "--max-flows", "1024",
		"--tcp-buffer", "256K", "--mbufs", "8192", "--rxd", "512",
		"--txd", "1024")), 0);
	SL_CHECK_EQ(cfg.gateway, ip("192.168.7.1"));
	SL_CHECK_EQ(cfg.guest_addr, ip("192.168.7.100"));
	SL_CHECK_EQ(cfg.prefix_len, 25);
	SL_CHECK_EQ(cfg.dns, ip("192.168.7.53"));
	SL_CHECK_EQ(cfg.dns_fwd, ip("9.9.9.9"));
	SL_CHECK_EQ(cfg.dns_fwd_port, 5353);
	SL_CHECK_EQ(cfg.mtu, 1500);
	SL_CHECK_EQ(cfg.host_loopback, false);
	SL_CHECK_EQ(cfg.lease_time_s, 3600);
	SL_CHECK_EQ(cfg.udp_timeout_s, 60);
	SL_CHECK_EQ(cfg.tcp_connect_timeout_ms, 2500);
	SL_CHECK_EQ(cfg.tcp_idle_timeout_s, 600);
	SL_CHECK_EQ(cfg.max_flows, 1024);
	SL_CHECK_EQ(cfg.tcp_buf, 256 * 1024);
	SL_CHECK_EQ(cfg.nb_mbufs, 8192);
	SL_CHECK_EQ(cfg.nb_rxd, 512);
	SL_CHECK_EQ(cfg.nb_txd, 1024);
}

SL_TEST(option_forms_and_auto)
{
	struct sl_config cfg;
	char err[256];

	setup(&cfg);
	/* --opt=value form, range ends, auto/0, boolean spellings */
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--mtu=68",
		"--rxd=32768", "--txd", "8", "--host-loopback=off",
		"--host-loopback", "ON", "--max-flows", "16777216",
		"--lease-time", "4294967295")), 0);
	SL_CHECK_EQ(cfg.mtu, 68);
	SL_CHECK_EQ(cfg.nb_rxd, 32768);
	SL_CHECK_EQ(cfg.nb_txd, 8);
	SL_CHECK_EQ(cfg.host_loopback, true);
	SL_CHECK_EQ(cfg.max_flows, 16777216);
	SL_CHECK_EQ(cfg.lease_time_s, 4294967295u);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--mtu", "auto",
		"--rxd", "0", "--txd", "auto", "--mbufs", "auto")), 0);
	SL_CHECK_EQ(cfg.mtu, 0);
	SL_CHECK_EQ(cfg.nb_rxd, 0);
	SL_CHECK_EQ(cfg.nb_txd, 0);
	SL_CHECK_EQ(cfg.nb_mbufs, 0);
	/* the last occurrence wins */
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--mtu", "1400",
		"--mtu", "9000")), 0);
	SL_CHECK_EQ(cfg.mtu, 9000);
}

SL_TEST(bad_values_name_the_option)
{
	static const char *const bad[][2] = {
		{ "--gateway", "10.0.2" },
		{ "--gateway", "10.0.2.256" },
		{ "--gateway", "" },
		{ "--gateway", "127.0.0.1" },
		{ "--gateway", "224.0.0.1" },
		{ "--guest-addr", "x" },
		{ "--dns", "10.0.2.3 " },
		{ "--prefix-len", "0" },
		{ "--prefix-len", "31" },
		{ "--prefix-len", "33" },
		{ "--prefix-len", "24x" },
		{ "--prefix-len", "" },
		{ "--prefix-len", "-1" },
		{ "--prefix-len", " 24" },
		{ "--dns-forward", "1.2.3" },
		{ "--dns-forward", "1.2.3.4:0" },
		{ "--dns-forward", "1.2.3.4:65536" },
		{ "--dns-forward", "1.2.3.4:" },
		{ "--dns-forward", "1.2.3.4:53x" },
		{ "--dns-forward", "::1x" },
		{ "--dns-forward", "[::1" },
		{ "--dns-forward", "[::1]x" },
		{ "--dns-forward", "[::1]:0" },
		{ "--dns-forward", "[1.2.3.4]:53" },
		{ "--dns-forward", "fe80::1" },
		{ "--dns-forward", "ff02::fb" },
		{ "--dns-forward", "255.255.255.255" },
		{ "--mtu", "67" },
		{ "--mtu", "65521" },
		{ "--mtu", "1500b" },
		{ "--host-loopback", "maybe" },
		{ "--host-loopback", "" },
		{ "--lease-time", "0" },
		{ "--lease-time", "4294967296" },
		{ "--lease-time", "99999999999999999999999999" },
		{ "--udp-timeout", "0" },
		{ "--udp-timeout", "0x10" },
		{ "--tcp-connect-timeout", "0" },
		{ "--tcp-connect-timeout", "1.5" },
		{ "--tcp-idle-timeout", "+7200" },
		{ "--max-flows", "7" },
		{ "--max-flows", "16777217" },
		{ "--tcp-buffer", "4095" },
		{ "--tcp-buffer", "2G" },
		{ "--tcp-buffer", "4MB" },
		{ "--tcp-buffer", "M" },
		{ "--tcp-buffer", "" },
		{ "--mbufs", "100" },
		{ "--rxd", "7" },
		{ "--rxd", "32769" },
		{ "--txd", "65536" },
		{ "--netns", "a/b" },
		{ "--netns", "." },
		{ "--netns", ".." },
		{ "--netns", "slg 1" },
		{ "--netns-up", "maybe" },
	};
	struct sl_config cfg, def;
	char err[256];
	unsigned int i;

	setup(&def);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup(&cfg);
		err[0] = '\0';
		if (parse(&cfg, err, sizeof(err), ARGV((char *)bad[i][0],
				(char *)bad[i][1])) != -1 ||
				strstr(err, bad[i][0]) == NULL ||
				strchr(err, '\n') != NULL) {
			fprintf(stderr, "  %s '%s' -> err '%s'\n", bad[i][0],
				bad[i][1], err);
			SL_CHECK(0);
		}
		/* the configuration is untouched on error */
		SL_CHECK(cfg_diff(&cfg, &def) == NULL);
	}
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--prefix-len",
		"33")), -1);
	SL_CHECK(strstr(err, "--prefix-len") != NULL);
	SL_CHECK(strstr(err, "'33'") != NULL);
}

SL_TEST(unknown_and_malformed_options)
{
	struct sl_config cfg;
	char err[256];

	setup(&cfg);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--foo")), -1);
	SL_CHECK(strstr(err, "unknown option '--foo'") != NULL);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--mtu", "1500",
		"--foo=1")), -1);
	SL_CHECK(strstr(err, "--foo") != NULL);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("-x")), -1);
	SL_CHECK(strstr(err, "-x") != NULL);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--tcp", "5")), -1);
	SL_CHECK(strstr(err, "ambiguous") != NULL);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--gateway")), -1);
	SL_CHECK(strstr(err, "--gateway") != NULL);
	SL_CHECK(strstr(err, "missing") != NULL);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--help=yes")), -1);
	SL_CHECK(strstr(err, "--help") != NULL);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--mtu", "1500",
		"stray")), -1);
	SL_CHECK(strstr(err, "'stray'") != NULL);
	/* a failed parse leaves getopt usable for the next one */
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--mtu", "1500")), 0);
	SL_CHECK_EQ(cfg.mtu, 1500);
}

SL_TEST(help_and_version_return_exit_ok)
{
	struct sl_config cfg, def;
	char err[256];

	setup(&cfg);
	setup(&def);
	SL_CHECK_EQ(parse_quiet(&cfg, err, sizeof(err), ARGV("--help")),
		SL_OPT_EXIT_OK);
	SL_CHECK_EQ(parse_quiet(&cfg, err, sizeof(err), ARGV("-h")),
		SL_OPT_EXIT_OK);
	SL_CHECK_EQ(parse_quiet(&cfg, err, sizeof(err), ARGV("--version")),
		SL_OPT_EXIT_OK);
	SL_CHECK_EQ(parse_quiet(&cfg, err, sizeof(err), ARGV("-V")),
		SL_OPT_EXIT_OK);
	/* --help wins over a broken config file and later bad values */
	SL_CHECK_EQ(parse_quiet(&cfg, err, sizeof(err), ARGV("--config",
		NO_RESOLV, "--help", "--mtu", "1")), SL_OPT_EXIT_OK);
	SL_CHECK(cfg_diff(&cfg, &def) == NULL);
	SL_CHECK_EQ(SL_OPT_EXIT_OK, 1);
}

SL_TEST(usage_lists_every_key_with_default)
{
	char *text = NULL, dump[SL_OPT_DUMP_MAX], opt[64], *line, *eq;
	struct sl_config def;
	size_t len = 0;
	FILE *f;

	setup(&def);
	f = open_memstream(&text, &len);
	SL_CHECK(f != NULL);
	sl_options_usage(f, "sluice");
	fclose(f);
	SL_CHECK(sl_options_dump(&def, dump, sizeof(dump)) > 0);
	SL_CHECK(strstr(text, "Usage: sluice [EAL options] -- [options]") !=
		NULL);
	SL_CHECK(strstr(text, "--config FILE") != NULL);
	SL_CHECK(strstr(text, "--help") != NULL);
	SL_CHECK(strstr(text, "--version") != NULL);
	SL_CHECK(strstr(text, "(default: 10.0.2.2)") != NULL);
	SL_CHECK(strstr(text, "(default: 4M)") != NULL);
	SL_CHECK(strstr(text, "(default: 86400)") != NULL);
	for (line = strtok(dump, "\n"); line != NULL;
			line = strtok(NULL, "\n")) {
		eq = strstr(line, " = ");
		SL_CHECK(eq != NULL);
		snprintf(opt, sizeof(opt), "  --%.*s ", (int)(eq - line), line);
		if (strstr(text, opt) == NULL) {
			fprintf(stderr, "  usage lacks '%s'\n", opt);
			free(text);
			SL_CHECK(0);
		}
	}
	free(text);
}

SL_TEST(config_file)
{
	struct sl_config cfg;
	char err[256], path[32];

	setup(&cfg);
	SL_CHECK_EQ(parse_file(&cfg, err, sizeof(err),
		"# sluice test config\n"
		"\n"
		"   # indented comment\n"
		"gateway = 172.16.0.1\n"
		"guest-addr=172.16.0.10\n"
		"\tprefix-len\t=\t16\t\n"
		"dns = 172.16.0.2   # inline comment\n"
		"mtu = 9000\r\n"
		"host-loopback = no\n"
		"tcp-buffer = 1M\n"
		"dns-forward = 8.8.4.4\n"
		"lease-time = 600\n"
		"lease-time = 700\n"
		"   \t  \n"
		"txd = 2048", path, NULL), 0);
	SL_CHECK_EQ(cfg.gateway, ip("172.16.0.1"));
	SL_CHECK_EQ(cfg.guest_addr, ip("172.16.0.10"));
	SL_CHECK_EQ(cfg.prefix_len, 16);
	SL_CHECK_EQ(cfg.dns, ip("172.16.0.2"));
	SL_CHECK_EQ(cfg.mtu, 9000);
	SL_CHECK_EQ(cfg.host_loopback, false);
	SL_CHECK_EQ(cfg.tcp_buf, 1024 * 1024);
	SL_CHECK_EQ(cfg.dns_fwd, ip("8.8.4.4"));
	SL_CHECK_EQ(cfg.dns_fwd_port, 53);
	SL_CHECK_EQ(cfg.lease_time_s, 700);
	SL_CHECK_EQ(cfg.nb_txd, 2048);
	/* untouched keys keep their defaults */
	SL_CHECK_EQ(cfg.udp_timeout_s, 180);
	SL_CHECK_EQ(cfg.max_flows, 65536);

	/* an empty file (or only comments) changes nothing */
	setup(&cfg);
	SL_CHECK_EQ(parse_file(&cfg, err, sizeof(err), "", path, NULL), 0);
	SL_CHECK_EQ(parse_file(&cfg, err, sizeof(err), "# mtu = 1\n", path,
		NULL), 0);
	SL_CHECK_EQ(cfg.mtu, 0);
}

/** Expect the file @text to fail with "<path>:@line:" and @what in err. */
static bool
file_fails(const char *text, unsigned int line, const char *what)
{
	struct sl_config cfg;
	char err[512], path[32], where[64];
	int rc;

	setup(&cfg);
	err[0] = '\0';
	rc = parse_file(&cfg, err, sizeof(err), text, path, NULL);
	snprintf(where, sizeof(where), "%s:%u: ", path, line);
	if (rc == -1 && strstr(err, where) != NULL &&
			strstr(err, what) != NULL)
		return true;
	fprintf(stderr, "  rc %d, err '%s', wanted '%s' and '%s'\n", rc, err,
		where, what);
	return false;
}

SL_TEST(config_file_errors)
{
	struct sl_config cfg;
	char err[256];

	SL_CHECK(file_fails("mtu = 1500\nbogus = 1\n", 2,
		"unknown key 'bogus'"));
	SL_CHECK(file_fails("# c\n\nprefix-len = 33\n", 3, "prefix-len"));
	SL_CHECK(file_fails("# c\n\nprefix-len = 33\n", 3, "'33'"));
	SL_CHECK(file_fails("gateway 10.0.2.2\n", 1, "key = value"));
	SL_CHECK(file_fails("= 5\n", 1, "key = value"));
	SL_CHECK(file_fails("mtu =\n", 1, "mtu"));
	SL_CHECK(file_fails("config = /etc/sluice.conf\n", 1, "config"));
	SL_CHECK(file_fails("help = on\n", 1, "unknown key 'help'"));
	SL_CHECK(file_fails("--mtu = 1500\n", 1, "unknown key '--mtu'"));
	SL_CHECK(file_fails("tcp-buffer = 1T\n", 1, "tcp-buffer"));
	SL_CHECK(file_fails("\n\n\n\ndns-forward = 1.2.3.4:99999\n", 5,
		"dns-forward"));

	setup(&cfg);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--config",
		NO_RESOLV)), -1);
	SL_CHECK(strstr(err, "--config") != NULL);
	SL_CHECK(strstr(err, NO_RESOLV) != NULL);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--config")), -1);
	SL_CHECK(strstr(err, "--config") != NULL);
}

SL_TEST(command_line_overrides_file)
{
	struct sl_config cfg;
	char err[256], path[32], path2[32], opt[64];
	const char *text = "mtu = 9000\nlease-time = 60\nrxd = 256\n";

	/* option after --config */
	setup(&cfg);
	SL_CHECK_EQ(parse_file(&cfg, err, sizeof(err), text, path,
		ARGV("--mtu", "1500") + 1), 0);
	SL_CHECK_EQ(cfg.mtu, 1500);
	SL_CHECK_EQ(cfg.lease_time_s, 60);
	SL_CHECK_EQ(cfg.nb_rxd, 256);

	/* option before --config */
	setup(&cfg);
	SL_CHECK_EQ(write_tmp(path, text), 0);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--config", path,
		"--lease-time", "120")), 0);
	SL_CHECK_EQ(cfg.mtu, 9000);
	SL_CHECK_EQ(cfg.lease_time_s, 120);

	/* several files are read in order; --config=FILE works too */
	SL_CHECK_EQ(write_tmp(path2, "mtu = 4000\n"), 0);
	setup(&cfg);
	snprintf(opt, sizeof(opt), "--config=%s", path2);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--config", path,
		opt)), 0);
	unlink(path);
	unlink(path2);
	SL_CHECK_EQ(cfg.mtu, 4000);
	SL_CHECK_EQ(cfg.lease_time_s, 60);

	/* the whole-config checks see the merged result: the file moves the
	 * gateway, the command line moves the rest to match
	 */
	setup(&cfg);
	SL_CHECK_EQ(parse_file(&cfg, err, sizeof(err),
		"gateway = 192.168.1.1\n", path,
		ARGV("--guest-addr", "192.168.1.2", "--dns", "192.168.1.3")
		+ 1), 0);
	SL_CHECK_EQ(cfg.gateway, ip("192.168.1.1"));
}

SL_TEST(dns_forward)
{
	struct sl_config cfg;
	char err[256], path[32];

	setup(&cfg);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--dns-forward",
		"1.1.1.1")), 0);
	SL_CHECK_EQ(cfg.dns_fwd, ip("1.1.1.1"));
	SL_CHECK_EQ(cfg.dns_fwd_port, 53);

	setup(&cfg);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--dns-forward",
		"127.0.0.53:5353")), 0);
	SL_CHECK_EQ(cfg.dns_fwd, ip("127.0.0.53"));
	SL_CHECK_EQ(cfg.dns_fwd_port, 5353);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--dns-forward",
		"1.0.0.1:65535")), 0);
	SL_CHECK_EQ(cfg.dns_fwd_port, 65535);

	/* resolv.conf fills dns_fwd when nothing was given ... */
	SL_CHECK_EQ(write_tmp(path, "nameserver 10.9.8.7\n"), 0);
	setup(&cfg);
	sl_resolv_conf_path = path;
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV0), 0);
	SL_CHECK_EQ(cfg.dns_fwd, ip("10.9.8.7"));
	SL_CHECK_EQ(cfg.dns_fwd_port, 53);
	/* ... but not over an explicit value, "off" included */
	setup(&cfg);
	sl_resolv_conf_path = path;
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--dns-forward",
		"4.4.4.4:54")), 0);
	SL_CHECK_EQ(cfg.dns_fwd, ip("4.4.4.4"));
	setup(&cfg);
	sl_resolv_conf_path = path;
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--dns-forward",
		"off")), 0);
	SL_CHECK_EQ(cfg.dns_fwd, 0);
	/* ... nor over what the caller already put in cfg */
	setup(&cfg);
	sl_resolv_conf_path = path;
	cfg.dns_fwd = ip("5.5.5.5");
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV0), 0);
	SL_CHECK_EQ(cfg.dns_fwd, ip("5.5.5.5"));
	unlink(path);

	/* no resolv.conf: forwarding stays off, not an error */
	setup(&cfg);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV0), 0);
	SL_CHECK_EQ(cfg.dns_fwd, 0);
}

SL_TEST(subnet_consistency)
{
	struct sl_config cfg;
	char err[256];

	/* guest outside the gateway's /24 */
	setup(&cfg);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--guest-addr",
		"10.0.3.15")), -1);
	SL_CHECK(strstr(err, "--guest-addr") != NULL);
	SL_CHECK(strstr(err, "10.0.2.0/24") != NULL);
	/* moving only the gateway leaves guest and dns behind */
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--gateway",
		"10.0.3.2")), -1);
	SL_CHECK(strstr(err, "outside") != NULL);
	/* ... unless the prefix grows to cover them */
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--gateway",
		"10.0.3.2", "--prefix-len", "16")), 0);
	SL_CHECK_EQ(cfg.gateway, ip("10.0.3.2"));

	/* shrinking the prefix leaves the guest outside */
	setup(&cfg);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--prefix-len", "29")),
		-1);
	SL_CHECK(strstr(err, "--guest-addr") != NULL);
	/* a /30 holds exactly two usable addresses: three do not fit */
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--prefix-len", "30",
		"--gateway", "10.0.2.1", "--guest-addr", "10.0.2.2",
		"--dns", "10.0.2.3")), -1);
	SL_CHECK(strstr(err, "broadcast") != NULL);

	/* network and broadcast addresses */
	setup(&cfg);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--dns", "10.0.2.0")),
		-1);
	SL_CHECK(strstr(err, "--dns") != NULL);
	SL_CHECK(strstr(err, "network address") != NULL);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--guest-addr",
		"10.0.2.255")), -1);
	SL_CHECK(strstr(err, "broadcast address") != NULL);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--gateway",
		"10.0.2.0")), -1);
	SL_CHECK(strstr(err, "--gateway") != NULL);

	/* pairwise distinct */
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--dns", "10.0.2.2")),
		-1);
	SL_CHECK(strstr(err, "--dns") != NULL);
	SL_CHECK(strstr(err, "--gateway") != NULL);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--guest-addr",
		"10.0.2.2")), -1);
	SL_CHECK(strstr(err, "--guest-addr") != NULL);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--guest-addr",
		"10.0.2.3")), -1);
	SL_CHECK(strstr(err, "same") != NULL);

	/* a consistent move of the whole network */
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--gateway",
		"192.168.100.1", "--guest-addr", "192.168.100.2", "--dns",
		"192.168.100.3", "--prefix-len", "29")), 0);
	SL_CHECK_EQ(cfg.prefix_len, 29);
	SL_CHECK_EQ(cfg.dns, ip("192.168.100.3"));
}

SL_TEST(size_suffixes)
{
	static const struct {
		const char *in;
		uint32_t out;
	} ok[] = {
		{ "4096", 4096 }, { "4K", 4096 }, { "4k", 4096 },
		{ "64K", 65536 }, { "1000000", 1000000 }, { "4M", 4u << 20 },
		{ "16m", 16u << 20 }, { "1G", 1u << 30 },
		{ "1024M", 1u << 30 },
	};
	struct sl_config cfg;
	char err[256];
	unsigned int i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		setup(&cfg);
		SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--tcp-buffer",
			(char *)ok[i].in)), 0);
		SL_CHECK_EQ(cfg.tcp_buf, ok[i].out);
	}
	setup(&cfg);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--tcp-buffer",
		"1025M")), -1);
	SL_CHECK(strstr(err, "--tcp-buffer") != NULL);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--tcp-buffer",
		"3K")), -1);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--tcp-buffer",
		"4 M")), -1);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--tcp-buffer",
		"99999999999G")), -1);
}

SL_TEST(resolv_conf)
{
	char path[32];
	uint32_t a;

	SL_CHECK_EQ(write_tmp(path,
		"# generated by NetworkManager\n"
		"; old-style comment\n"
		"search example.org\n"
		"#nameserver 1.1.1.1\n"
		"nameservers 2.2.2.2\n"
		"nameserver fe80::1%eth0\n"
		"nameserver 2001:db8::53\n"
		"nameserver 0.0.0.0\n"
		"  nameserver\t192.0.2.53  # the one\n"
		"nameserver 192.0.2.54\n"
		"options edns0\n"), 0);
	a = 0;
	SL_CHECK_EQ(sl_config_load_resolv(path, &a), 0);
	unlink(path);
	SL_CHECK_EQ(a, ip("192.0.2.53"));

	/* only IPv6: nothing, @addr untouched */
	SL_CHECK_EQ(write_tmp(path, "nameserver ::1\nnameserver fd00::53\n"),
		0);
	a = 77;
	SL_CHECK_EQ(sl_config_load_resolv(path, &a), -1);
	unlink(path);
	SL_CHECK_EQ(a, 77);

	/* no trailing newline, CRLF */
	SL_CHECK_EQ(write_tmp(path, "nameserver 10.1.2.3\r\n"), 0);
	SL_CHECK_EQ(sl_config_load_resolv(path, &a), 0);
	unlink(path);
	SL_CHECK_EQ(a, ip("10.1.2.3"));
	SL_CHECK_EQ(write_tmp(path, "nameserver 10.1.2.4"), 0);
	SL_CHECK_EQ(sl_config_load_resolv(path, &a), 0);
	unlink(path);
	SL_CHECK_EQ(a, ip("10.1.2.4"));

	SL_CHECK_EQ(sl_config_load_resolv(NO_RESOLV, &a), -1);
	SL_CHECK_EQ(sl_config_load_resolv(NULL, &a), -1);
}

SL_TEST(dns_forward_ipv6)
{
	struct sl_config cfg, back;
	char err[256], path[32], buf[SL_OPT_DUMP_MAX];
	struct sl_addr want;

	/* bare (port 53) and in brackets with a port */
	memset(&want, 0, sizeof(want));
	inet_pton(AF_INET6, "2001:db8::53", want.b);
	setup(&cfg);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--dns-forward",
		"2001:db8::53")), 0);
	SL_CHECK_EQ(cfg.dns_fwd, 0);
	SL_CHECK(sl_addr_eq(&cfg.dns_fwd6, &want));
	SL_CHECK_EQ(cfg.dns_fwd_port, 53);
	setup(&cfg);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--dns-forward",
		"[::1]:5353")), 0);
	SL_CHECK_EQ(cfg.dns_fwd6.b[15], 1);
	SL_CHECK_EQ(cfg.dns_fwd_port, 5353);
	/* it dumps as [ADDR]:PORT and reads back */
	SL_CHECK(sl_options_dump(&cfg, buf, sizeof(buf)) > 0);
	SL_CHECK(strstr(buf, "dns-forward = [::1]:5353\n") != NULL);
	setup(&back);
	SL_CHECK_EQ(parse_file(&back, err, sizeof(err), buf, path, NULL), 0);
	SL_CHECK(sl_addr_eq(&cfg.dns_fwd6, &back.dns_fwd6));
	SL_CHECK(cfg_diff(&cfg, &back) == NULL);
	/* an IPv4 one given later replaces it, off clears both */
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--dns-forward",
		"[::1]:5353", "--dns-forward", "9.9.9.9")), 0);
	SL_CHECK(sl_addr_is_any(&cfg.dns_fwd6));
	SL_CHECK_EQ(cfg.dns_fwd, ip("9.9.9.9"));
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--dns-forward",
		"::1", "--dns-forward", "off")), 0);
	SL_CHECK(sl_addr_is_any(&cfg.dns_fwd6));
	SL_CHECK_EQ(cfg.dns_fwd, 0);
}

SL_TEST(resolv_conf_ipv6)
{
	struct sl_addr a, want;
	char path[32];

	memset(&want, 0, sizeof(want));
	inet_pton(AF_INET6, "2001:db8::53", want.b);
	/* link-local (needs a scope), multicast, :: and v4-mapped skipped */
	SL_CHECK_EQ(write_tmp(path,
		"nameserver fe80::1%eth0\n"
		"nameserver fe80::1\n"
		"nameserver ff02::fb\n"
		"nameserver ::\n"
		"nameserver ::ffff:192.0.2.1\n"
		"nameserver 192.0.2.53\n"
		"nameserver 2001:db8::53\n"
		"nameserver 2001:db8::54\n"), 0);
	memset(&a, 0, sizeof(a));
	SL_CHECK_EQ(sl_config_load_resolv6(path, &a), 0);
	unlink(path);
	SL_CHECK(sl_addr_eq(&a, &want));
	SL_CHECK_EQ(write_tmp(path, "nameserver 192.0.2.53\n"), 0);
	a.b[0] = 7;
	SL_CHECK_EQ(sl_config_load_resolv6(path, &a), -1);
	unlink(path);
	SL_CHECK_EQ(a.b[0], 7);
	SL_CHECK_EQ(sl_config_load_resolv6(NULL, &a), -1);
}

SL_TEST(dump_round_trip)
{
	struct sl_config cfg, back;
	char err[256], path[32], buf[SL_OPT_DUMP_MAX];
	int n;

	/* every field away from its default */
	setup(&cfg);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV(
		"--gateway", "192.168.7.1", "--guest-addr", "192.168.7.100",
		"--prefix-len", "25", "--dns", "192.168.7.53",
		"--dns-forward", "9.9.9.9:5353", "--mtu", "1500",
		"--host-loopback", "off", "--lease-time", "3600",
		"--udp-timeout", "60", "--tcp-connect-timeout", "2500",
		"--tcp-idle-timeout", "600", "--max-flows", "1024",
		"--tcp-buffer", "65537", "--mbufs", "8192", "--rxd", "512",
		"--txd", "1024", "--netns", "slg-7", "--netns-up", "off",
		"--dhcp-range", "192.168.7.110-192.168.7.120",
		"--dhcp-host", "52:54:00:00:00:01,192.168.7.101",
		"--dhcp-host", "52:54:00:00:00:02,192.168.7.102",
		"--max-hosts", "8", "--fwd-source", "gateway",
		"--outbound-addr", "198.51.100.9",
		"--outbound-addr6", "2001:db8::9",
		"-t", "8080:192.168.7.101/80,source=client")), 0);
	n = sl_options_dump(&cfg, buf, sizeof(buf));
	SL_CHECK(n > 0);
	SL_CHECK_EQ((size_t)n, strlen(buf));
	SL_CHECK(strstr(buf, "gateway = 192.168.7.1\n") != NULL);
	SL_CHECK(strstr(buf, "dns-forward = 9.9.9.9:5353\n") != NULL);
	SL_CHECK(strstr(buf, "host-loopback = off\n") != NULL);
	SL_CHECK(strstr(buf, "netns = slg-7\n") != NULL);
	SL_CHECK(strstr(buf, "dhcp-host = 52:54:00:00:00:02,192.168.7.102\n")
		!= NULL);
	SL_CHECK(strstr(buf, "tcp-forward = 8080:192.168.7.101/80,"
		"source=client\n") != NULL);
	SL_CHECK_EQ(cfg.nb_dhcp_res, 2);
	SL_CHECK_EQ(cfg.fwd_source, SL_FWD_SRC_GATEWAY);
	SL_CHECK_EQ(cfg.outbound_addr, inet_addr("198.51.100.9"));
	SL_CHECK(strstr(buf, "outbound-addr6 = 2001:db8::9\n") != NULL);
	SL_CHECK_EQ(cfg.outbound_addr6.b[0], 0x20);
	SL_CHECK_EQ(cfg.outbound_addr6.b[15], 9);
	setup(&back);
	SL_CHECK_EQ(parse_file(&back, err, sizeof(err), buf, path, NULL), 0);
	SL_CHECK(cfg_diff(&cfg, &back) == NULL);

	/* the defaults (auto values, forwarding off) round-trip too */
	setup(&cfg);
	n = sl_options_dump(&cfg, buf, sizeof(buf));
	SL_CHECK(n > 0);
	SL_CHECK(strstr(buf, "mtu = auto\n") != NULL);
	SL_CHECK(strstr(buf, "tcp-buffer = 4M\n") != NULL);
	SL_CHECK(strstr(buf, "dns-forward = off\n") != NULL);
	setup(&back);
	back.mtu = 1500;
	back.nb_rxd = 64;
	SL_CHECK_EQ(parse_file(&back, err, sizeof(err), buf, path, NULL), 0);
	SL_CHECK(cfg_diff(&cfg, &back) == NULL);

	/* forwarding off with an odd port still round-trips exactly */
	cfg.dns_fwd_port = 5300;
	SL_CHECK(sl_options_dump(&cfg, buf, sizeof(buf)) > 0);
	setup(&back);
	SL_CHECK_EQ(parse_file(&back, err, sizeof(err), buf, path, NULL), 0);
	SL_CHECK(cfg_diff(&cfg, &back) == NULL);

	/* too small a buffer: -1, still terminated */
	SL_CHECK_EQ(sl_options_dump(&cfg, buf, 10), -1);
	SL_CHECK(strlen(buf) < 10);
	SL_CHECK_EQ(sl_options_dump(&cfg, buf, 0), -1);
}

SL_TEST(netns)
{
	struct sl_config cfg, port;
	char err[256], path[32], longv[SL_NETNS_LEN + 8];

	/* default: no namespace, brought up when one is given */
	setup(&cfg);
	SL_CHECK_EQ(cfg.netns[0], '\0');
	SL_CHECK(cfg.netns_up);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--netns", "slg-42",
		"--netns-up", "off")), 0);
	SL_CHECK(strcmp(cfg.netns, "slg-42") == 0);
	SL_CHECK(!cfg.netns_up);
	/* a path to a namespace file; empty: none again */
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--netns=/proc/1/ns/net")),
		0);
	SL_CHECK(strcmp(cfg.netns, "/proc/1/ns/net") == 0);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--netns", "")), 0);
	SL_CHECK_EQ(cfg.netns[0], '\0');
	/* too long: one line naming the option, nothing changed */
	memset(longv, 'n', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	setup(&cfg);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--netns", longv)), -1);
	SL_CHECK(strstr(err, "--netns") != NULL);
	SL_CHECK(strstr(err, "longer than 127") != NULL);
	SL_CHECK(strchr(err, '\n') == NULL);
	SL_CHECK_EQ(cfg.netns[0], '\0');

	/* per port, in [port N] sections; the global value elsewhere */
	setup(&cfg);
	SL_CHECK_EQ(parse_file(&cfg, err, sizeof(err),
		"netns = guests\n[port 5]\nnetns = slg-b\nnetns-up = off\n",
		path, NULL), 0);
	SL_CHECK(strcmp(cfg.netns, "guests") == 0);
	SL_CHECK_EQ(sl_options_port(&cfg, 5, &port, err, sizeof(err)), 0);
	SL_CHECK(strcmp(port.netns, "slg-b") == 0);
	SL_CHECK(!port.netns_up);
	SL_CHECK_EQ(sl_options_port(&cfg, 4, &port, err, sizeof(err)), 0);
	SL_CHECK(strcmp(port.netns, "guests") == 0);
	SL_CHECK(port.netns_up);
	/* a bad value in a section names file, line and key */
	setup(&cfg);
	SL_CHECK_EQ(parse_file(&cfg, err, sizeof(err),
		"[port 6]\nnetns = ../x\n", path, NULL), -1);
	SL_CHECK(strstr(err, ":2: netns:") != NULL);
}

/** ip6eq - whether 16-byte @a is IPv6 address text @s. */
static bool
ip6eq(const uint8_t *a, const char *s)
{
	uint8_t b[16];

	return inet_pton(AF_INET6, s, b) == 1 && memcmp(a, b, 16) == 0;
}

SL_TEST(ipv6_options)
{
	static const char *const bad[][2] = {
		{ "--prefix6", "fec0::/48" },
		{ "--prefix6", "fec0::" "/" },
		{ "--prefix6", "10.0.2.0/64" },
		{ "--prefix6", "ff02::/64" },
		{ "--prefix6", "fe80::/64" },
		{ "--gateway6", "fec0::2/64" },
		{ "--gateway6", "::1" },
		{ "--gateway6", "fec1::2" },	/* outside the prefix */
		{ "--gateway6", "fec0::" },	/* subnet-router anycast */
		{ "--dns6", "fec0::2" },	/* the gateway's */
		{ "--dns6", "ff02::1" },
		{ "--ipv6", "maybe" },
		{ "--outbound-addr6", "198.51.100.9" },
		{ "--outbound-addr6", "::ffff:198.51.100.9" },
		{ "--outbound-addr6", "::" },
		{ "--outbound-addr6", "ff02::1" },
		{ "--outbound-addr6", "2001:db8::9/64" },
	};
	struct sl_config cfg;
	char err[256], path[32];
	unsigned int i;

	setup(&cfg);
	SL_CHECK(cfg.ipv6);
	SL_CHECK(ip6eq(cfg.prefix6, "fec0::"));
	SL_CHECK_EQ(cfg.prefix6_len, 64);
	SL_CHECK(ip6eq(cfg.gateway6, "fec0::2"));
	SL_CHECK(ip6eq(cfg.dns6, "fec0::3"));
	/* the prefix carries the gateway and DNS addresses with it */
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--prefix6",
		"2001:db8:7:1::/64")), 0);
	SL_CHECK(ip6eq(cfg.prefix6, "2001:db8:7:1::"));
	SL_CHECK(ip6eq(cfg.gateway6, "2001:db8:7:1::2"));
	SL_CHECK(ip6eq(cfg.dns6, "2001:db8:7:1::3"));
	setup(&cfg);
	SL_CHECK_EQ(parse(&cfg, err, sizeof(err), ARGV("--prefix6",
		"2001:db8:7:1::", "--gateway6", "2001:db8:7:1::1", "--dns6",
		"2001:db8:7:1::53", "--ipv6", "off")), 0);
	SL_CHECK(ip6eq(cfg.gateway6, "2001:db8:7:1::1"));
	SL_CHECK(ip6eq(cfg.dns6, "2001:db8:7:1::53"));
	SL_CHECK(!cfg.ipv6);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup(&cfg);
		err[0] = '\0';
		if (parse(&cfg, err, sizeof(err), ARGV((char *)bad[i][0],
		    (char *)bad[i][1])) == 0 ||
		    strstr(err, bad[i][0] + 2) == NULL) {
			fprintf(stderr, "  %s %s: accepted or unnamed: %s\n",
				bad[i][0], bad[i][1], err);
			SL_CHECK(0);
		}
	}
	/* and in the config file */
	setup(&cfg);
	SL_CHECK_EQ(parse_file(&cfg, err, sizeof(err),
		"prefix6 = 2001:db8:9::/64\n"
		"dns6 = 2001:db8:9::35\n"
		"ipv6 = on\n", path, NULL), 0);
	SL_CHECK(ip6eq(cfg.gateway6, "2001:db8:9::2"));
	SL_CHECK(ip6eq(cfg.dns6, "2001:db8:9::35"));
}

int
main(int argc, char **argv)
{
	return sl_test_main(argc, argv);
}
