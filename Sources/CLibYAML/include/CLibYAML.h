/* libyaml, the C YAML 1.1 parser, as the rule files and frame catalogs are read with it
   (SignatureRules' YAMLDocument). Debian: apt-get install libyaml-dev (the header;
   libyaml-0-2 at run time). Nothing but SignatureRules imports this.

   Most runs read no YAML: an installed `analyse` reads its bundled rules in compiled form. So
   libyaml is opened with dlopen the first time clibyaml_load() is called (libyaml.c), as
   CLibDW opens libdw, and the functions below forward to it.

   A parser's events are handed to Swift through clibyaml_next, one flat record per event,
   rather than as libyaml's yaml_event_t, whose payload is a union of structs. */
#ifndef CLIBYAML_SHIM_H
#define CLIBYAML_SHIM_H

#include <stddef.h>
#include <yaml.h>

/* One parser event, flattened. `text` is the scalar's value (for YAML_SCALAR_EVENT, `length`
   bytes, not NUL-terminated); `anchor` the anchor a node defines or an alias names (NUL-
   terminated, or NULL). Both point into the event and are valid until clibyaml_next is called
   again or the parser is freed. Lines count from 1. */
struct clibyaml_event {
  yaml_event_type_t type;
  size_t line;
  const unsigned char *anchor;
  const unsigned char *text;
  size_t length;
};

/* A parser reading `size` bytes of UTF-8 at `input` (which must outlive it). NULL when libyaml
   is not loaded or memory ran out. */
struct clibyaml_parser;
struct clibyaml_parser *clibyaml_parser_create(const unsigned char *input, size_t size);

/* The next event into `event`. Returns 1, or 0 on a syntax error: then `problem` and `line`
   say what libyaml found and where (its message, valid while the parser lives; line from 1,
   0 when unknown). */
int clibyaml_next(struct clibyaml_parser *parser, struct clibyaml_event *event, const char **problem, size_t *line);

/* Frees the parser and its last event. */
void clibyaml_parser_free(struct clibyaml_parser *parser);

/* Opens libyaml-0.so.2 once per process. Returns NULL when it is ready, else why not (dlopen's
   or dlsym's message, valid for the life of the process). Safe to call from any thread, any
   number of times. */
const char *clibyaml_load(void);

#endif
