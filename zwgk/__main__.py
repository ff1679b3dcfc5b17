from zwgk.entry import main

main()
