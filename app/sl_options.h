/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_options.h: the application options (what follows EAL's "--"), the
 * "key = value" config file, the usage text, the dump of the configuration
 * in effect and the resolv.conf reader that picks the default DNS forwarder.
 */
#ifndef SL_OPTIONS_H
#define SL_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sl_config.h"

/** sl_options_parse() result: --help or --version was handled, exit 0. */
#define SL_OPT_EXIT_OK 1

/** A buffer of this size always holds sl_options_dump()'s output. */
#define SL_OPT_DUMP_MAX 16384

/**
 * Where sl_options_parse() looks for the default DNS forwarder.
 * Default "/etc/resolv.conf"; tests point it elsewhere.
 */
extern const char *sl_resolv_conf_path;

/**
 * sl_options_parse - apply the application options to a configuration.
 * @argc: argument count (argv[0] included)
 * @argv: argv[0] is the program name, the rest are the options after EAL's
 *	"--" (as left by rte_eal_init); not reordered
 * @cfg: configuration to update; the caller fills it first (normally with
 *	sl_config_defaults()). Left untouched unless 0 is returned.
 * @err: where one line describing an error is written (may be NULL)
 * @errlen: size of @err
 *
 * Every --config FILE is read first, in command-line order, then the other
 * options are applied, so the command line overrides the files whatever the
 * order. The resulting configuration is then checked as a whole (gateway,
 * guest and DNS addresses in one subnet, distinct, not its network or
 * broadcast address). When cfg->dns_fwd is 0 and no dns-forward was given,
 * the first IPv4 nameserver of sl_resolv_conf_path is used (left 0 when
 * there is none: DNS forwarding is off).
 *
 * Return: 0 on success; SL_OPT_EXIT_OK when --help or --version was handled
 * (the text went to stdout); -1 on error, with one line in @err naming the
 * offending option (or file:line) and value.
 */
int sl_options_parse(int argc, char **argv, struct sl_config *cfg,
	char *err, size_t errlen);

/**
 * sl_options_usage - print the usage text: every option with its default.
 * @f: output stream
 * @prog: program name shown in the synopsis (NULL: "sluice")
 */
void sl_options_usage(FILE *f, const char *prog);

/**
 * sl_options_dump - write @cfg as "key = value" lines, one per key.
 * @cfg: configuration
 * @buf: output, always NUL-terminated when @len > 0
 * @len: size of @buf (SL_OPT_DUMP_MAX is always enough)
 *
 * The text is a valid config file: reading it back with --config gives the
 * same configuration.
 *
 * Return: length of the text written (without the NUL), or -1 when @buf is
 * too small (the text is then truncated).
 */
int sl_options_dump(const struct sl_config *cfg, char *buf, size_t len);

/**
 * sl_config_load_resolv - find the first IPv4 nameserver of a resolv.conf.
 * @path: file in resolv.conf(5) format
 * @addr: where the address is stored, network order (untouched on failure)
 *
 * "#" and ";" start comments; IPv6 nameservers, 0.0.0.0 and non-unicast
 * addresses are skipped.
 *
 * Return: 0 when one was found, -1 otherwise (unreadable file included).
 */
int sl_config_load_resolv(const char *path, uint32_t *addr);

/**
 * sl_config_load_resolv6 - find the first IPv6 nameserver of a resolv.conf
 * a socket reaches without a scope (link-local, multicast, unspecified and
 * v4-mapped ones are skipped), for a host with IPv6 resolvers only.
 * @path: file in resolv.conf(5) format
 * @addr: where the address is stored (untouched on failure)
 *
 * Return: 0 when one was found, -1 otherwise.
 */
int sl_config_load_resolv6(const char *path, struct sl_addr *addr);

/** Largest N of a "[port N]" config file section. */
#define SL_PORT_SECTIONS 64

/**
 * sl_options_port - the configuration of port @port: @global plus the
 * settings of its "[port N]" config file section. Forwards given outside a
 * section belong to port 0.
 * @global: configuration from sl_options_parse()
 * @port: port index (in the order the EAL created them)
 * @out: filled
 * @err: one line on failure
 * @errlen: size of @err
 *
 * Return: 0 or -1.
 */
int sl_options_port(const struct sl_config *global, unsigned int port,
	struct sl_config *out, char *err, size_t errlen);

#endif /* SL_OPTIONS_H */
