/*
 * yaml.c - a positioned YAML tree built from libyaml's event stream.
 *
 * We build our own small tree from events, which all carry marks, so every
 * node knows its line and column. Children are collected on one shared stack
 * and copied into the arena when their parent closes: linear in the input.
 *
 * libyaml, not libfyaml: Debian 12's libfyaml 0.7.12 loops forever on
 * "---\n{1{\n%\xc5\xb3\xb3" (found by fuzz/fuzz_manifest in minutes);
 * libyaml has been fuzzed by OSS-Fuzz for years and, like go-yaml (which
 * Kubernetes uses), reads YAML 1.1. Like go-yaml we refuse invalid UTF-8.
 */
#include "podoom/grow.h"
#include "podoom/yaml.h"

#include <errno.h>
#include <yaml.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK (64u << 10)
#define MAX_ANCHORS 4096u

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	alignas(16) unsigned char data[];
};

struct podoom_yaml {
	struct arena_block *arena;
	struct podoom_ynode **docs;
	size_t ndocs, docs_cap;
};

static void *arena_alloc(struct podoom_yaml *y, size_t size)
{
	struct arena_block *b = y->arena;

	size = (size + 15u) & ~(size_t)15u;
	if (!b || b->cap - b->used < size) {
		size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
		b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->next = y->arena;
		b->used = 0;
		b->cap = cap;
		y->arena = b;
	}
	void *p = b->data + b->used;
	b->used += size;
	return p;
}

/* a growable array of node pointers (malloc'd; freed after the build) */
struct nodevec {
	struct podoom_ynode **v;
	size_t n, cap;
};

static int nodevec_push(struct nodevec *nv, struct podoom_ynode *node)
{
	if (podoom_grow(&nv->v, &nv->cap, nv->n + 1, sizeof(*nv->v), 256) < 0)
		return -ENOMEM;
	nv->v[nv->n++] = node;
	return 0;
}

struct anchor {
	const char *name;
	size_t len;
	struct podoom_ynode *node;
};

struct builder {
	struct podoom_yaml *y;
	struct nodevec pending;	       /* children of every open container */
	size_t open_start[PODOOM_YAML_MAX_DEPTH]; /* where each open container's children begin */
	struct podoom_ynode *open[PODOOM_YAML_MAX_DEPTH];
	const char *open_anchor[PODOOM_YAML_MAX_DEPTH]; /* copied: the event's token dies with it */
	size_t open_anchor_len[PODOOM_YAML_MAX_DEPTH];
	size_t depth;
	struct podoom_ynode *root;
	size_t nodes;
	struct anchor anchors[MAX_ANCHORS];
	size_t nanchors;
};

static uint32_t mark_u32(size_t v)
{
	return v >= UINT32_MAX ? UINT32_MAX : (uint32_t)(v + 1);
}

static struct podoom_ynode *new_node(struct builder *b, enum podoom_ynode_type type,
				     const yaml_event_t *ev, struct podoom_diag *diag)
{
	struct podoom_ynode *n;

	if (++b->nodes > PODOOM_YAML_MAX_NODES) {
		podoom_diag_set(diag, mark_u32(ev->start_mark.line), mark_u32(ev->start_mark.column),
				"more than %u YAML nodes", PODOOM_YAML_MAX_NODES);
		return NULL;
	}
	n = arena_alloc(b->y, sizeof(*n));
	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->line = mark_u32(ev->start_mark.line);
	n->col = mark_u32(ev->start_mark.column);
	return n;
}

static int add_child(struct builder *b, struct podoom_ynode *n)
{
	if (b->depth == 0) {
		b->root = n;
		return 0;
	}
	return nodevec_push(&b->pending, n);
}

/* a copy of an anchor's name in the arena; *ret NULL when there is none */
static int copy_anchor(struct builder *b, const yaml_char_t *anchor, const char **ret, size_t *ret_len)
{
	size_t len;
	char *copy;

	*ret = NULL;
	*ret_len = 0;
	if (!anchor)
		return 0;
	len = strlen((const char *)anchor);
	copy = arena_alloc(b->y, len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, anchor, len + 1);
	*ret = copy;
	*ret_len = len;
	return 0;
}

static int remember_anchor(struct builder *b, const char *name, size_t len, struct podoom_ynode *n,
			   struct podoom_diag *diag)
{
	if (!name)
		return 0;
	if (b->nanchors == MAX_ANCHORS) {
		podoom_diag_set(diag, n->line, n->col, "more than %u YAML anchors", MAX_ANCHORS);
		return -E2BIG;
	}
	b->anchors[b->nanchors++] = (struct anchor){.name = name, .len = len, .node = n};
	return 0;
}

static struct podoom_ynode *find_anchor(const struct builder *b, const char *name, size_t len)
{
	for (size_t i = b->nanchors; i-- > 0;) /* a redefined anchor: the latest wins */
		if (b->anchors[i].len == len && memcmp(b->anchors[i].name, name, len) == 0)
			return b->anchors[i].node;
	return NULL;
}

static int on_scalar(struct builder *b, const yaml_event_t *ev, struct podoom_diag *diag)
{
	struct podoom_ynode *n = new_node(b, PODOOM_YNODE_SCALAR, ev, diag);
	size_t len = ev->data.scalar.length;
	const char *anchor;
	size_t anchor_len;
	char *copy;
	int r;

	if (!n)
		return b->nodes > PODOOM_YAML_MAX_NODES ? -E2BIG : -ENOMEM;
	copy = arena_alloc(b->y, len + 1);
	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, ev->data.scalar.value, len);
	copy[len] = '\0';
	n->str = copy;
	n->len = len;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	r = copy_anchor(b, ev->data.scalar.anchor, &anchor, &anchor_len);
	if (r == 0)
		r = remember_anchor(b, anchor, anchor_len, n, diag);
	return r < 0 ? r : add_child(b, n);
}

static int on_start(struct builder *b, const yaml_event_t *ev, enum podoom_ynode_type type,
		    const yaml_char_t *anchor, struct podoom_diag *diag)
{
	struct podoom_ynode *n;
	int r;

	if (b->depth == PODOOM_YAML_MAX_DEPTH) {
		podoom_diag_set(diag, mark_u32(ev->start_mark.line), mark_u32(ev->start_mark.column),
				"YAML nested deeper than %u levels", PODOOM_YAML_MAX_DEPTH);
		return -E2BIG;
	}
	n = new_node(b, type, ev, diag);
	if (!n)
		return b->nodes > PODOOM_YAML_MAX_NODES ? -E2BIG : -ENOMEM;
	r = copy_anchor(b, anchor, &b->open_anchor[b->depth], &b->open_anchor_len[b->depth]);
	if (r < 0)
		return r;
	b->open[b->depth] = n;
	b->open_start[b->depth] = b->pending.n;
	b->depth++;
	return 0;
}

static int on_end(struct builder *b, struct podoom_diag *diag)
{
	struct podoom_ynode *n;
	size_t start, count;

	if (b->depth == 0)
		return -EINVAL;
	b->depth--;
	n = b->open[b->depth];
	start = b->open_start[b->depth];
	count = b->pending.n - start;
	if (count) {
		n->kids = arena_alloc(b->y, count * sizeof(*n->kids));
		if (!n->kids)
			return -ENOMEM;
		memcpy(n->kids, b->pending.v + start, count * sizeof(*n->kids));
	}
	n->n = n->type == PODOOM_YNODE_MAPPING ? count / 2 : count;
	b->pending.n = start;
	/* anchors become usable once their node is complete: no cycles */
	int r = remember_anchor(b, b->open_anchor[b->depth], b->open_anchor_len[b->depth], n, diag);
	return r < 0 ? r : add_child(b, n);
}

static int on_alias(struct builder *b, const yaml_event_t *ev, struct podoom_diag *diag)
{
	const char *name = (const char *)ev->data.alias.anchor;
	size_t len = name ? strlen(name) : 0;
	struct podoom_ynode *target = name ? find_anchor(b, name, len) : NULL;

	if (!target) {
		podoom_diag_set(diag, mark_u32(ev->start_mark.line), mark_u32(ev->start_mark.column),
				"alias *%.*s refers to no complete anchor before it", (int)(len > 64 ? 64 : len),
				name ? name : "");
		return -EINVAL;
	}
	return add_child(b, target);
}

static int end_document(struct builder *b, struct podoom_diag *diag)
{
	struct podoom_yaml *y = b->y;

	if (y->ndocs >= PODOOM_YAML_MAX_DOCS) {
		podoom_diag_set(diag, 0, 0, "more than %u YAML documents", PODOOM_YAML_MAX_DOCS);
		return -E2BIG;
	}
	if (podoom_grow(&y->docs, &y->docs_cap, y->ndocs + 1, sizeof(*y->docs), 8) < 0)
		return -ENOMEM;
	y->docs[y->ndocs++] = b->root;
	b->root = NULL;
	b->nanchors = 0; /* anchors are per document */
	return 0;
}

static int handle_event(struct builder *b, const yaml_event_t *ev, struct podoom_diag *diag)
{
	switch (ev->type) {
	case YAML_DOCUMENT_END_EVENT:
		return end_document(b, diag);
	case YAML_MAPPING_START_EVENT:
		return on_start(b, ev, PODOOM_YNODE_MAPPING, ev->data.mapping_start.anchor, diag);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(b, ev, PODOOM_YNODE_SEQUENCE, ev->data.sequence_start.anchor, diag);
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		return on_end(b, diag);
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev, diag);
	case YAML_ALIAS_EVENT:
		return on_alias(b, ev, diag);
	default:
		return 0;
	}
}

/*
 * The first invalid UTF-8 sequence (overlong forms, surrogates and values past
 * U+10FFFF included), as go-yaml refuses them; 0 when the input is valid.
 */
static int check_utf8(const unsigned char *s, size_t len, uint32_t *ret_line, uint32_t *ret_col)
{
	uint32_t line = 1, col = 1;

	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t need;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			if (c == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			need = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			need = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			need = 3, cp = c & 0x07, min = 0x10000;
		} else {
			goto bad;
		}
		if (len - i <= need)
			goto bad;
		for (size_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto bad;
			cp = (cp << 6) | (s[i + k] & 0x3fu);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			goto bad;
		i += need + 1;
		col++;
		continue;
bad:
		*ret_line = line;
		*ret_col = col;
		return -EILSEQ;
	}
	return 0;
}

static void parser_error(const yaml_parser_t *p, struct podoom_diag *diag)
{
	const char *what = p->problem ? p->problem : "syntax error";

	if (p->context)
		podoom_diag_set(diag, mark_u32(p->problem_mark.line), mark_u32(p->problem_mark.column),
				"invalid YAML: %s %s (line %u)", what, p->context,
				mark_u32(p->context_mark.line));
	else
		podoom_diag_set(diag, mark_u32(p->problem_mark.line), mark_u32(p->problem_mark.column),
				"invalid YAML: %s", what);
}

int podoom_yaml_parse(const char *buf, size_t len, struct podoom_yaml **ret, struct podoom_diag *diag)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	bool parser_ready = false;
	struct builder *b = NULL;
	struct podoom_yaml *y = NULL;
	uint32_t line, col;
	int r = -ENOMEM;

	if (check_utf8((const unsigned char *)buf, len, &line, &col) < 0) {
		podoom_diag_set(diag, line, col, "invalid UTF-8: YAML and JSON input must be UTF-8 text");
		return -EINVAL;
	}
	y = calloc(1, sizeof(*y));
	b = calloc(1, sizeof(*b));
	if (!y || !b)
		goto out;
	b->y = y;
	if (!yaml_parser_initialize(&parser))
		goto out;
	parser_ready = true;
	yaml_parser_set_input_string(&parser, (const unsigned char *)(len ? buf : ""), len);
	for (;;) {
		if (!yaml_parser_parse(&parser, &ev)) {
			if (parser.error == YAML_MEMORY_ERROR) {
				r = -ENOMEM;
			} else {
				parser_error(&parser, diag);
				r = -EINVAL;
			}
			goto out;
		}
		bool done = ev.type == YAML_STREAM_END_EVENT;
		r = handle_event(b, &ev, diag);
		yaml_event_delete(&ev);
		if (r < 0)
			goto out;
		if (done)
			break;
	}
	*ret = y;
	y = NULL;
	r = 0;
out:
	if (parser_ready)
		yaml_parser_delete(&parser);
	if (b)
		free(b->pending.v);
	free(b);
	podoom_yaml_free(y);
	return r;
}

void podoom_yaml_free(struct podoom_yaml *y)
{
	if (!y)
		return;
	while (y->arena) {
		struct arena_block *next = y->arena->next;
		free(y->arena);
		y->arena = next;
	}
	free(y->docs);
	free(y);
}

size_t podoom_yaml_ndocs(const struct podoom_yaml *y)
{
	return y ? y->ndocs : 0;
}

const struct podoom_ynode *podoom_yaml_doc(const struct podoom_yaml *y, size_t i)
{
	return y && i < y->ndocs ? y->docs[i] : NULL;
}

bool podoom_ynode_eq(const struct podoom_ynode *n, const char *s)
{
	size_t len = strlen(s);
	return n && n->type == PODOOM_YNODE_SCALAR && n->len == len && memcmp(n->str, s, len) == 0;
}

const struct podoom_ynode *podoom_ynode_get(const struct podoom_ynode *map, const char *key)
{
	const struct podoom_ynode *found = NULL;

	if (!map || map->type != PODOOM_YNODE_MAPPING)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (podoom_ynode_eq(map->kids[2 * i], key))
			found = map->kids[2 * i + 1];
	return found;
}

bool podoom_ynode_is_null(const struct podoom_ynode *n)
{
	if (!n)
		return true;
	if (n->type != PODOOM_YNODE_SCALAR || !n->plain)
		return false;
	return n->len == 0 || podoom_ynode_eq(n, "~") || podoom_ynode_eq(n, "null") ||
	       podoom_ynode_eq(n, "Null") || podoom_ynode_eq(n, "NULL");
}

bool podoom_ynode_is_str(const struct podoom_ynode *n)
{
	return n && n->type == PODOOM_YNODE_SCALAR && !podoom_ynode_is_null(n);
}

const char *podoom_ynode_type_to_string(enum podoom_ynode_type t)
{
	switch (t) {
	case PODOOM_YNODE_SCALAR:
		return "a scalar";
	case PODOOM_YNODE_SEQUENCE:
		return "a list";
	case PODOOM_YNODE_MAPPING:
		return "a mapping";
	default:
		return "?";
	}
}
