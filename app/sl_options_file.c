/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The sluice authors
 *
 * sl_options_file.c: the config file (--config FILE): "key = value" lines
 * with the keys of the option table (sl_options.c), "[port N]" sections
 * whose settings are checked when read and applied per port
 * (sl_options_port), and the resolv.conf reader that finds the default
 * DNS forwarder.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "sl_options.h"
#include "sl_options_priv.h"

/* Settings of "[port N]" sections: kept as text, applied per port. */
#define SL_OVERRIDES_MAX 256
static struct {
	int port;
	const struct sl_opt *o;
	char val[128];
} sl_overrides[SL_OVERRIDES_MAX];
static unsigned int sl_nb_overrides;

/**
 * sl_section_parse - "[port N]" -> N, "[global]" -> -1.
 * Return: 0, or -1 for anything else.
 */
static int
sl_section_parse(const char *text, int *section)
{
	unsigned int port;
	char tail;

	if (strcmp(text, "[global]") == 0) {
		*section = -1;
		return 0;
	}
	if (sscanf(text, "[port %u%c", &port, &tail) == 2 && tail == ']' &&
	    text[strlen(text) - 1] == ']' && port < SL_PORT_SECTIONS) {
		*section = (int)port;
		return 0;
	}
	return -1;
}

/** sl_override_add - remember a port section's setting. */
static int
sl_override_add(int port, const struct sl_opt *o, const char *val)
{
	if (sl_nb_overrides == SL_OVERRIDES_MAX || strlen(val) >= 128)
		return -1;
	sl_overrides[sl_nb_overrides].port = port;
	sl_overrides[sl_nb_overrides].o = o;
	snprintf(sl_overrides[sl_nb_overrides].val,
		sizeof(sl_overrides[0].val), "%s", val);
	sl_nb_overrides++;
	return 0;
}

int
sl_options_port(const struct sl_config *global, unsigned int port,
	struct sl_config *out, char *err, size_t errlen)
{
	struct sl_opt_ctx ctx;
	char why[256];
	unsigned int i;

	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = *global;
	/* forwards given globally belong to the first port */
	if (port != 0)
		ctx.cfg.nb_fwd = 0;
	for (i = 0; i < sl_nb_overrides; i++) {
		if (sl_overrides[i].port != (int)port)
			continue;
		if (sl_opt_apply(&ctx, sl_overrides[i].o, sl_overrides[i].val,
		    why, sizeof(why)) < 0) {
			snprintf(err, errlen, "[port %u] %s: %s", port,
				sl_overrides[i].o->name, why);
			return -1;
		}
	}
	if (sl_check_subnet(&ctx.cfg, err, errlen) < 0 ||
	    sl_check_subnet6(&ctx.cfg, err, errlen) < 0)
		return -1;
	*out = ctx.cfg;
	return 0;
}

int
sl_config_file_load(struct sl_opt_ctx *ctx, const char *path, char *err,
	size_t errlen)
{
	char why[256];
	char *line = NULL, *key, *val, *eq, *p;
	const struct sl_opt *o;
	unsigned int lineno = 0;
	int section = -1;	/* -1: global */
	size_t cap = 0;
	FILE *f;
	int rc = 0;

	f = fopen(path, "re");
	if (f == NULL) {
		snprintf(err, errlen, "--config: cannot open '%s': %s", path,
			strerror(errno));
		return -1;
	}
	while (rc == 0 && getline(&line, &cap, f) != -1) {
		lineno++;
		p = strchr(line, '#');
		if (p != NULL)
			*p = '\0';
		/* trim both ends (this also drops the newline and any \r) */
		for (key = line; isspace((unsigned char)*key); key++)
			;
		p = key + strlen(key);
		while (p > key && isspace((unsigned char)p[-1]))
			*--p = '\0';
		if (*key == '\0')
			continue;
		if (*key == '[') {
			if (sl_section_parse(key, &section) != 0) {
				snprintf(err, errlen, "%s:%u: expected '[port N]' "
					"(N < %d) or '[global]', got '%s'", path,
					lineno, SL_PORT_SECTIONS, key);
				rc = -1;
			}
			continue;
		}
		eq = strchr(key, '=');
		if (eq == NULL || eq == key) {
			snprintf(err, errlen, "%s:%u: expected 'key = value', "
				"got '%s'", path, lineno, key);
			rc = -1;
			break;
		}
		*eq = '\0';
		for (val = eq + 1; isspace((unsigned char)*val); val++)
			;
		p = eq;
		while (p > key && isspace((unsigned char)p[-1]))
			*--p = '\0';
		o = sl_opt_find(key);
		if (o != NULL && o->type == SL_OT_CONFIG) {
			snprintf(err, errlen, "%s:%u: 'config' cannot be used "
				"in a config file", path, lineno);
			rc = -1;
		} else if (o == NULL || !sl_opt_is_key(o)) {
			snprintf(err, errlen, "%s:%u: unknown key '%s'", path,
				lineno, key);
			rc = -1;
		} else if (section >= 0) {
			/* checked now, applied per port by sl_options_port() */
			struct sl_opt_ctx scratch = *ctx;

			if (sl_opt_apply(&scratch, o, val, why,
			    sizeof(why)) < 0) {
				snprintf(err, errlen, "%s:%u: %s: %s", path,
					lineno, key, why);
				rc = -1;
			} else if (sl_override_add(section, o, val) != 0) {
				snprintf(err, errlen, "%s:%u: more than %d port "
					"settings", path, lineno,
					SL_OVERRIDES_MAX);
				rc = -1;
			}
		} else if (sl_opt_apply(ctx, o, val, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s:%u: %s: %s", path, lineno,
				key, why);
			rc = -1;
		}
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "--config: cannot read '%s': %s", path,
			strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	return rc;
}

/**
 * resolv_pick - the first nameserver of resolv.conf @path that @take
 * accepts (into @out). Return: 0 when one was, -1 otherwise.
 */
static int
resolv_pick(const char *path, bool (*take)(const char *, void *), void *out)
{
	char *line = NULL, *p, *end;
	size_t cap = 0;
	FILE *f;
	int rc = -1;

	if (path == NULL || out == NULL)
		return -1;
	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	while (rc < 0 && getline(&line, &cap, f) != -1) {
		line[strcspn(line, "#;")] = '\0';
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (strncmp(p, "nameserver", 10) != 0 ||
				!isspace((unsigned char)p[10]))
			continue;
		for (p += 10; isspace((unsigned char)*p); p++)
			;
		for (end = p; *end != '\0' &&
				!isspace((unsigned char)*end); end++)
			;
		*end = '\0';
		if (take(p, out))
			rc = 0;
	}
	free(line);
	fclose(f);
	return rc;
}

/** take_v4 - @text is a unicast IPv4 address other than 0.0.0.0. */
static bool
take_v4(const char *text, void *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, text, &a) != 1 || a.s_addr == 0 ||
	    (ntohl(a.s_addr) >> 28) >= 14)
		return false;	/* IPv6, 0.0.0.0, not unicast */
	*(uint32_t *)out = a.s_addr;
	return true;
}

/**
 * take_v6 - @text is an IPv6 address a socket reaches without a scope:
 * not link-local (fe80::/10 needs %IFACE), multicast, unspecified or
 * v4-mapped.
 */
static bool
take_v6(const char *text, void *out)
{
	struct sl_addr a;

	if (inet_pton(AF_INET6, text, a.b) != 1 || sl_addr_is_any(&a) ||
	    sl_addr_is_v4(&a) || a.b[0] == 0xff ||
	    (a.b[0] == 0xfe && (a.b[1] & 0xc0) == 0x80))
		return false;
	*(struct sl_addr *)out = a;
	return true;
}

int
sl_config_load_resolv(const char *path, uint32_t *addr)
{
	return resolv_pick(path, take_v4, addr);
}

int
sl_config_load_resolv6(const char *path, struct sl_addr *addr)
{
	return resolv_pick(path, take_v6, addr);
}
