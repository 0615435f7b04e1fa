/*
 * yaml - a YAML (and JSON) stream as a small read-only tree with positions.
 *
 * Built from libyaml's event parser so that every node, not only scalars,
 * knows its line and column; aliases share the anchored node (no copies, so
 * "billion laughs" inputs cost nothing). Pure: parses a buffer the caller
 * owns; everything the tree needs lives in one arena freed by podoom_yaml_free.
 */
#ifndef PODOOM_YAML_H
#define PODOOM_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podoom/diag.h"

enum podoom_ynode_type {
	PODOOM_YNODE_SCALAR,
	PODOOM_YNODE_SEQUENCE,
	PODOOM_YNODE_MAPPING,
	PODOOM_YNODE_TYPE_COUNT
};

struct podoom_ynode {
	enum podoom_ynode_type type;
	uint32_t line, col; /* 1-based position of the node's first character */
	bool plain;	    /* scalar written without quotes (so `null`, `~` mean null) */
	const char *str;    /* scalar text, NUL-terminated (may contain NULs: use len) */
	size_t len;
	/* sequence: items; mapping: kids[2*i] key, kids[2*i+1] value */
	struct podoom_ynode **kids;
	size_t n; /* items, or pairs for a mapping */
};

struct podoom_yaml;

/* Caps, the same in tests and in production. */
#define PODOOM_YAML_MAX_NODES (4u << 20)
#define PODOOM_YAML_MAX_DEPTH 128u
#define PODOOM_YAML_MAX_DOCS 100000u

/*
 * podoom_yaml_parse() - parse every document of a YAML or JSON stream.
 * @buf, @len: the input (need not be NUL-terminated); borrowed only during the call.
 * @ret: the tree on success (free with podoom_yaml_free).
 * @diag: on failure, where and why (may be NULL).
 * Return: 0; -EINVAL malformed YAML; -E2BIG over a cap; -ENOMEM.
 */
int podoom_yaml_parse(const char *buf, size_t len, struct podoom_yaml **ret, struct podoom_diag *diag);

/* podoom_yaml_free() - NULL is allowed. */
void podoom_yaml_free(struct podoom_yaml *y);

/* podoom_yaml_ndocs() / podoom_yaml_doc() - the documents in order; a
 * document's root is NULL when the document is empty. */
size_t podoom_yaml_ndocs(const struct podoom_yaml *y);
const struct podoom_ynode *podoom_yaml_doc(const struct podoom_yaml *y, size_t i);

/* podoom_ynode_get() - the value of @key in mapping @map, or NULL (also when
 * @map is NULL or not a mapping). The last duplicate key wins, as in Go. */
const struct podoom_ynode *podoom_ynode_get(const struct podoom_ynode *map, const char *key);

/* podoom_ynode_is_null() - NULL, or a plain `null`/`Null`/`NULL`/`~`/empty scalar. */
bool podoom_ynode_is_null(const struct podoom_ynode *n);

/* podoom_ynode_is_str() - a scalar that is not null. */
bool podoom_ynode_is_str(const struct podoom_ynode *n);

/* podoom_ynode_eq() - a scalar whose text is exactly @s. */
bool podoom_ynode_eq(const struct podoom_ynode *n, const char *s);

/* podoom_ynode_type_to_string() - "a string", "a list", "a mapping". */
const char *podoom_ynode_type_to_string(enum podoom_ynode_type t);

#endif
