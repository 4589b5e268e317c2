#include "sim/kernel/value.h"

SimValue sim_value_list(const int64_t *items, guint n)
{
  SimValue v = { SIM_V_LIST, 0, 0, g_array_sized_new(FALSE, FALSE, sizeof(int64_t), n) };
  g_array_append_vals(v.list, items, n);
  return v;
}

SimValue sim_value_copy(const SimValue *v)
{
  if (v->kind == SIM_V_LIST)
    return sim_value_list((const int64_t *) v->list->data, v->list->len);
  return *v;
}

void sim_value_clear(SimValue *v)
{
  if (v->list)
    g_array_unref(v->list);
  *v = sim_value_nil();
}

JsonNode *sim_value_to_json(const SimValue *v)
{
  JsonNode *node = json_node_new(JSON_NODE_NULL);
  switch (v->kind) {
  case SIM_V_NIL:
    break;
  case SIM_V_INT:
    json_node_init_int(node, v->a);
    break;
  case SIM_V_PAIR: {
    JsonArray *arr = json_array_new();
    json_array_add_int_element(arr, v->a);
    json_array_add_int_element(arr, v->b);
    json_node_init_array(node, arr);
    json_array_unref(arr);
    break;
  }
  case SIM_V_LIST: {
    JsonArray *arr = json_array_new();
    for (guint i = 0; i < v->list->len; i++)
      json_array_add_int_element(arr, g_array_index(v->list, int64_t, i));
    json_node_init_array(node, arr);
    json_array_unref(arr);
    break;
  }
  }
  return node;
}
