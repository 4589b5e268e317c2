# Long check of the N-1 capacity claim (part of `make soak`): the capacity
# searches of docs/measure/capacity_n_minus_1_search.sh over seeds 1-12
# instead of 1-4. (n - 1)/n of the capacity with all three servers up must
# lie inside the 95% interval of the capacity with one down; the script
# exits 1 otherwise. Prints its table.
set -u
cd "$ROOT"
SEEDS=1-12 docs/measure/capacity_n_minus_1_search.sh
