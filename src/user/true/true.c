/* true — does nothing and exits 0: the smallest program for exec loops (execloop). */
int main(int argc, char **argv, char **envp)
{
	return 0;
}
