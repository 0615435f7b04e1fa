/*
 * yaml.c - a positioned YAML tree built from libfyaml's event stream.
 *
 * libfyaml 0.7's document API keeps marks only on scalar tokens; users need a
 * line and column for "this container has no name" too, so we build our own
 * tree from events, which all carry marks. Children are collected on one
 * shared stack and copied into the arena when their parent closes, so the
 * build is linear in the input.
 */
#include "podoom/yaml.h"

#include <errno.h>
#include <libfyaml.h>
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
	if (nv->n == nv->cap) {
		size_t cap = nv->cap ? nv->cap * 2 : 256;
		struct podoom_ynode **v = realloc(nv->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		nv->v = v;
		nv->cap = cap;
	}
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
	bool in_doc;
	size_t nodes;
	struct anchor anchors[MAX_ANCHORS];
	size_t nanchors;
};

static uint32_t to_u32(int v)
{
	return v < 0 ? 0 : (uint32_t)v;
}

static struct podoom_ynode *new_node(struct builder *b, enum podoom_ynode_type type,
				     struct fy_event *fye, struct podoom_diag *diag)
{
	const struct fy_mark *m = fy_event_start_mark(fye);
	struct podoom_ynode *n;

	if (++b->nodes > PODOOM_YAML_MAX_NODES) {
		podoom_diag_set(diag, m ? to_u32(m->line + 1) : 0, m ? to_u32(m->column + 1) : 0,
				"more than %u YAML nodes", PODOOM_YAML_MAX_NODES);
		return NULL;
	}
	n = arena_alloc(b->y, sizeof(*n));
	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->type = type;
	if (m) {
		n->line = to_u32(m->line + 1);
		n->col = to_u32(m->column + 1);
	}
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
static int copy_anchor(struct builder *b, struct fy_token *anchor, const char **ret, size_t *ret_len)
{
	size_t len = 0;
	const char *name;
	char *copy;

	*ret = NULL;
	*ret_len = 0;
	if (!anchor)
		return 0;
	name = fy_token_get_text(anchor, &len);
	if (!name)
		return -EINVAL;
	copy = arena_alloc(b->y, len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, name, len);
	copy[len] = '\0';
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

static int on_scalar(struct builder *b, struct fy_event *fye, struct podoom_diag *diag)
{
	struct podoom_ynode *n = new_node(b, PODOOM_YNODE_SCALAR, fye, diag);
	size_t len = 0;
	const char *text;
	char *copy;

	if (!n)
		return b->nodes > PODOOM_YAML_MAX_NODES ? -E2BIG : -ENOMEM;
	text = fy_token_get_text(fye->scalar.value, &len);
	if (!text)
		len = 0;
	copy = arena_alloc(b->y, len + 1);
	if (!copy)
		return -ENOMEM;
	if (len)
		memcpy(copy, text, len);
	copy[len] = '\0';
	n->str = copy;
	n->len = len;
	n->plain = fy_token_scalar_style(fye->scalar.value) == FYSS_PLAIN;
	const char *anchor;
	size_t anchor_len;
	int r = copy_anchor(b, fye->scalar.anchor, &anchor, &anchor_len);
	if (r == 0)
		r = remember_anchor(b, anchor, anchor_len, n, diag);
	return r < 0 ? r : add_child(b, n);
}

static int on_start(struct builder *b, struct fy_event *fye, enum podoom_ynode_type type,
		    struct fy_token *anchor, struct podoom_diag *diag)
{
	struct podoom_ynode *n;

	if (b->depth == PODOOM_YAML_MAX_DEPTH) {
		const struct fy_mark *m = fy_event_start_mark(fye);
		podoom_diag_set(diag, m ? to_u32(m->line + 1) : 0, m ? to_u32(m->column + 1) : 0,
				"YAML nested deeper than %u levels", PODOOM_YAML_MAX_DEPTH);
		return -E2BIG;
	}
	n = new_node(b, type, fye, diag);
	if (!n)
		return b->nodes > PODOOM_YAML_MAX_NODES ? -E2BIG : -ENOMEM;
	int r = copy_anchor(b, anchor, &b->open_anchor[b->depth], &b->open_anchor_len[b->depth]);
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

static int on_alias(struct builder *b, struct fy_event *fye, struct podoom_diag *diag)
{
	size_t len = 0;
	const char *name = fy_token_get_text(fye->alias.anchor, &len);
	struct podoom_ynode *target = name ? find_anchor(b, name, len) : NULL;

	if (!target) {
		const struct fy_mark *m = fy_event_start_mark(fye);
		podoom_diag_set(diag, m ? to_u32(m->line + 1) : 0, m ? to_u32(m->column + 1) : 0,
				"alias *%.*s refers to no complete anchor before it", (int)(len > 64 ? 64 : len),
				name ? name : "");
		return -EINVAL;
	}
	return add_child(b, target);
}

static int end_document(struct builder *b)
{
	struct podoom_yaml *y = b->y;

	if (y->ndocs == y->docs_cap) {
		size_t cap = y->docs_cap ? y->docs_cap * 2 : 8;
		struct podoom_ynode **docs = realloc(y->docs, cap * sizeof(*docs));
		if (!docs)
			return -ENOMEM;
		y->docs = docs;
		y->docs_cap = cap;
	}
	y->docs[y->ndocs++] = b->root;
	b->root = NULL;
	b->nanchors = 0; /* anchors are per document */
	return 0;
}

static void stream_error(struct fy_diag *fyd, struct podoom_diag *diag)
{
	struct fy_diag_error *err;
	void *iter = NULL;

	while (fyd && (err = fy_diag_errors_iterate(fyd, &iter)) != NULL) {
		if (err->type < FYET_ERROR)
			continue;
		podoom_diag_set(diag, to_u32(err->line), to_u32(err->column), "invalid YAML: %s",
				err->msg ? err->msg : "syntax error");
		return;
	}
	podoom_diag_set(diag, 0, 0, "invalid YAML");
}

static void discard_output(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
	(void)diag;
	(void)user;
	(void)buf;
	(void)len;
}

static int handle_event(struct builder *b, struct fy_event *fye, struct podoom_diag *diag)
{
	switch (fye->type) {
	case FYET_DOCUMENT_START:
		b->in_doc = true;
		return 0;
	case FYET_DOCUMENT_END:
		b->in_doc = false;
		if (b->y->ndocs >= PODOOM_YAML_MAX_DOCS) {
			podoom_diag_set(diag, 0, 0, "more than %u YAML documents", PODOOM_YAML_MAX_DOCS);
			return -E2BIG;
		}
		return end_document(b);
	case FYET_MAPPING_START:
		return on_start(b, fye, PODOOM_YNODE_MAPPING, fye->mapping_start.anchor, diag);
	case FYET_SEQUENCE_START:
		return on_start(b, fye, PODOOM_YNODE_SEQUENCE, fye->sequence_start.anchor, diag);
	case FYET_MAPPING_END:
	case FYET_SEQUENCE_END:
		return on_end(b, diag);
	case FYET_SCALAR:
		return on_scalar(b, fye, diag);
	case FYET_ALIAS:
		return on_alias(b, fye, diag);
	default:
		return 0;
	}
}

int podoom_yaml_parse(const char *buf, size_t len, struct podoom_yaml **ret, struct podoom_diag *diag)
{
	struct fy_diag_cfg dcfg;
	struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET | FYPCF_COLLECT_DIAG};
	struct fy_diag *fydiag = NULL;
	struct fy_parser *fyp = NULL;
	struct fy_event *fye;
	struct builder *b = NULL;
	struct podoom_yaml *y = NULL;
	int r = -ENOMEM;

	y = calloc(1, sizeof(*y));
	b = calloc(1, sizeof(*b));
	if (!y || !b)
		goto out;
	b->y = y;
	/* collect errors instead of printing them: we report them ourselves */
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = discard_output;
	dcfg.level = FYET_ERROR;
	fydiag = fy_diag_create(&dcfg);
	if (!fydiag)
		goto out;
	fy_diag_set_collect_errors(fydiag, true);
	cfg.diag = fydiag;
	fyp = fy_parser_create(&cfg);
	if (!fyp)
		goto out;
	if (fy_parser_set_string(fyp, len ? buf : "", len) != 0) {
		r = -EINVAL;
		podoom_diag_set(diag, 0, 0, "cannot read the input as YAML");
		goto out;
	}
	r = 0;
	while ((fye = fy_parser_parse(fyp)) != NULL) {
		r = handle_event(b, fye, diag);
		fy_parser_event_free(fyp, fye);
		if (r < 0)
			goto out;
	}
	if (fy_parser_get_stream_error(fyp)) {
		stream_error(fydiag, diag);
		r = -EINVAL;
		goto out;
	}
	*ret = y;
	y = NULL;
out:
	if (fyp)
		fy_parser_destroy(fyp);
	if (fydiag)
		fy_diag_destroy(fydiag);
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
