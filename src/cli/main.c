#include <stdio.h>
int main(void) { puts("podoom"); return 0; }
