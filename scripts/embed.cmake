# Turns text files into C string constants, so an installed execwatch
# needs no source tree. Usage:
#   cmake -DOUT=file.c -DINPUTS="sym1=path1;sym2=path2" -P embed.cmake
set(out "/* Generated from probes/ by scripts/embed.cmake: do not edit. */\n")
foreach(pair IN LISTS INPUTS)
	string(REPLACE "=" ";" parts "${pair}")
	list(GET parts 0 sym)
	list(GET parts 1 path)
	file(READ "${path}" hex HEX)
	string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
	string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n\t" hex "${hex}")
	string(APPEND out "const char ${sym}[] = {\n\t${hex}0x00\n};\n")
endforeach()
file(WRITE "${OUT}.tmp" "${out}")
file(RENAME "${OUT}.tmp" "${OUT}")
