//===--- libyaml.c - libyaml, opened on first use ---------------------------===//
//
// The five libyaml functions a parser needs, found with dlsym once
// clibyaml_load() has opened libyaml-0.so.2 (Debian's libyaml-0-2 soname), and
// the flat event records include/CLibYAML.h describes.
//
//===----------------------------------------------------------------------===//

#include "CLibYAML.h"

#include "CSharedLibrary.h"

#include <pthread.h>
#include <string.h>
#include <stdlib.h>

#define CLIBYAML_FUNCTIONS(X) \
  X(yaml_parser_initialize) \
  X(yaml_parser_set_input_string) \
  X(yaml_parser_set_encoding) \
  X(yaml_parser_parse) \
  X(yaml_event_delete) \
  X(yaml_parser_delete)

static struct {
#define X(name) __typeof__(name) *name;
  CLIBYAML_FUNCTIONS(X)
#undef X
} real;

static const char *const names[] = {
#define X(name) #name,
  CLIBYAML_FUNCTIONS(X)
#undef X
};
static void *slots[sizeof names / sizeof names[0]];
_Static_assert(sizeof real == sizeof slots, "one pointer per function");

static struct csharedlibrary library = {
  "libyaml-0.so.2", "libyaml-0-2", NULL, names, slots, sizeof names / sizeof names[0], "libyaml was never opened", {0}};
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void open_library(void) {
  csharedlibrary_open(&library);
  if (library.failure == NULL) memcpy(&real, slots, sizeof real);
}

const char *clibyaml_load(void) {
  pthread_once(&once, open_library);
  return library.failure;
}

struct clibyaml_parser {
  yaml_parser_t parser;
  yaml_event_t event;
  int holds_event;
};

struct clibyaml_parser *clibyaml_parser_create(const unsigned char *input, size_t size) {
  if (clibyaml_load() != NULL) return NULL;
  struct clibyaml_parser *parser = calloc(1, sizeof *parser);
  if (parser == NULL) return NULL;
  if (!real.yaml_parser_initialize(&parser->parser)) {
    free(parser);
    return NULL;
  }
  real.yaml_parser_set_input_string(&parser->parser, input, size);
  real.yaml_parser_set_encoding(&parser->parser, YAML_UTF8_ENCODING);
  return parser;
}

int clibyaml_next(struct clibyaml_parser *parser, struct clibyaml_event *event, const char **problem, size_t *line) {
  if (parser->holds_event) {
    real.yaml_event_delete(&parser->event);
    parser->holds_event = 0;
  }
  if (!real.yaml_parser_parse(&parser->parser, &parser->event)) {
    *problem = parser->parser.problem != NULL ? parser->parser.problem : "unknown error";
    *line = parser->parser.problem_mark.line + 1;
    return 0;
  }
  parser->holds_event = 1;
  const yaml_event_t *source = &parser->event;
  event->type = source->type;
  event->line = source->start_mark.line + 1;
  event->anchor = NULL;
  event->text = NULL;
  event->length = 0;
  switch (source->type) {
  case YAML_ALIAS_EVENT: event->anchor = source->data.alias.anchor; break;
  case YAML_SCALAR_EVENT:
    event->anchor = source->data.scalar.anchor;
    event->text = source->data.scalar.value;
    event->length = source->data.scalar.length;
    break;
  case YAML_SEQUENCE_START_EVENT: event->anchor = source->data.sequence_start.anchor; break;
  case YAML_MAPPING_START_EVENT: event->anchor = source->data.mapping_start.anchor; break;
  default: break;
  }
  return 1;
}

void clibyaml_parser_free(struct clibyaml_parser *parser) {
  if (parser == NULL) return;
  if (parser->holds_event) real.yaml_event_delete(&parser->event);
  real.yaml_parser_delete(&parser->parser);
  free(parser);
}
