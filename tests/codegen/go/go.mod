module jsonws.test/codegen

go 1.19
