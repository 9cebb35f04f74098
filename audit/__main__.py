from audit.cli import main

main(prog_name="mtaudit")
