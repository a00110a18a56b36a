/* The README's "From C" snippet, built against the installed doithoai::c (find_package mode)
 * so the documented code keeps compiling and running. */
#include <doithoai/c.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  dt_engine* engine = NULL;
  dt_error* err = NULL;
  char* out = NULL;
  if (dt_engine_open("{\"store\": \":memory:\", \"profile\": \"hanoi-2200\"}", &engine, &err) != DT_OK) {
    fprintf(stderr, "open: %s\n", dt_error_message(err));
    dt_error_free(err);
    return 1;
  }
  /* Commands: the request form of docs/json.md; the result is JSON the caller frees. */
  dt_execute(engine, "{\"actor\": \"system\", \"command\": {\"type\": \"create_unit\", \"name\": \"Phường Bồ Đề\", \"level\": \"xa\"}}",
             &out, NULL);
  printf("%s\n", out); /* {"first_seq":1,"id":1,"items":[],"last_seq":1,"replayed":false} */
  dt_free(out);
  /* Queries, reports, exports: dt_call(engine, method, args) (docs/c-abi.md lists them). */
  if (dt_call(engine, "items", "{\"unit\": 1, \"standing\": \"overdue\", \"as_of\": \"2030-01-01\"}", &out, &err) != DT_OK) {
    fprintf(stderr, "%s: %s\n", dt_status_name(dt_error_code(err)), dt_error_message(err));
    dt_error_free(err);
    dt_engine_close(engine);
    return 1;
  }
  printf("%s\n", out); /* [] */
  dt_free(out);
  /* Errors come back as a status and an error object, never as an exception. */
  if (dt_call(engine, "item", "{\"id\": 42}", &out, &err) == DT_NOT_FOUND) {
    printf("%s\n", dt_error_message(err));
    dt_error_free(err);
  }
  dt_engine_close(engine);
  printf("consumer ok\n");
  return 0;
}
