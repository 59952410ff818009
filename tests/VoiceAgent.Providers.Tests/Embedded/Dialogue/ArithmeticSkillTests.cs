namespace VoiceAgent.Providers.Tests.Embedded.Dialogue;

public sealed class ArithmeticSkillTests
{
    [Theory]
    [InlineData("what is twelve times seven", "Twelve times seven is 84.")]
    [InlineData("What is 12 * 7?", "12 times 7 is 84.")]
    [InlineData("3.5 plus 4", "3.5 plus 4 is 7.5.")]
    [InlineData("100 divided by 8", "100 divided by 8 is 12.5.")]
    [InlineData("five minus nine", "Five minus nine is negative 4.")]
    [InlineData("whats one hundred and twenty three plus seven", "One hundred and twenty three plus seven is 130.")]
    [InlineData("how much is two plus three times four", "Two plus three times four is 14.")]
    [InlineData("what is five squared", "Five squared is 25.")]
    [InlineData("what is the square root of sixteen", "The square root of sixteen is 4.")]
    [InlineData("two to the power of ten", "Two to the power of ten is 1024.")]
    [InlineData("ten divided by three", "Ten divided by three is about 3.33.")]
    [InlineData("hey can you tell me what 0.1 plus 0.2 is please", "0.1 plus 0.2 is 0.3.")]
    [InlineData("what's 1,000 - 1", "1000 minus 1 is 999.")]
    [InlineData("what's five percent of a hundred and twenty", "Five percent of a hundred and twenty is 6.")]
    [InlineData("what is 15% of 80", "15 percent of 80 is 12.")]
    [InlineData("a thousand multiplied by three point five", "A thousand times three point five is 3500.")]
    public async Task Answers_english_sums(string question, string expected) =>
        (await Dialogue.AskAsync(question)).ShouldBe(expected);

    [Theory]
    [InlineData("三加四等于多少", "三加四等于7。")]
    [InlineData("十二乘以七", "十二乘以七等于84。")]
    [InlineData("请问12除以4是多少？", "12除以4等于3。")]
    [InlineData("五减九", "五减九等于负4。")]
    [InlineData("三点五加上四", "三点五加四等于7.5。")]
    [InlineData("一百除以八等于几", "一百除以八等于12.5。")]
    [InlineData("五的平方是多少", "五的平方等于25。")]
    [InlineData("根号十六", "十六的平方根等于4。")]
    [InlineData("二的十次方", "二的十次方等于1024。")]
    [InlineData("十除以三", "十除以三约等于3.33。")]
    public async Task Answers_chinese_sums(string question, string expected) =>
        (await Dialogue.AskAsync(question)).ShouldBe(expected);

    [Theory]
    [InlineData("what is seven divided by zero", "You can't divide by zero, so that has no answer.")]
    [InlineData("七除以零", "零不能做除数，所以这道题没有答案。")]
    [InlineData("square root of minus four", "That has no real-number answer: a negative number has no real square root.")]
    [InlineData("ten to the power of one hundred", "That number is too big for me to work out.")]
    public async Task Answers_impossible_sums_sensibly(string question, string expected) =>
        (await Dialogue.AskAsync(question)).ShouldBe(expected);

    [Theory]
    [InlineData("i have two cats and three dogs")]
    [InlineData("what is love")]
    public async Task Leaves_sentences_without_a_sum_alone(string question) =>
        (await Dialogue.AskAsync(question)).ShouldStartWith("I'm a simple offline assistant");
}
