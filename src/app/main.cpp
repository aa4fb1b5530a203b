#include "app/cli.hpp"

int main(int argc, char** argv) { return hvs::app::run_cli(argc, argv); }
