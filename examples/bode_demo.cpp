#include <doithoai/doithoai.h>
#include <iostream>
int main() { std::cout << "demo pending\n"; }
