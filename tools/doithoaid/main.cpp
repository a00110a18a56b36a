// placeholder of the base branch: replaced by the transport's main
int main() { return 2; }
