module sigx.example/runtimes

go 1.19
