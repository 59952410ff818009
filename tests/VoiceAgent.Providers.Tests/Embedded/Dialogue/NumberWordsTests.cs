using VoiceAgent.Providers.Embedded.Dialogue;

namespace VoiceAgent.Providers.Tests.Embedded.Dialogue;

public sealed class NumberWordsTests
{
    [Theory]
    [InlineData("zero", "0")]
    [InlineData("seven", "7")]
    [InlineData("twelve", "12")]
    [InlineData("forty two", "42")]
    [InlineData("forty-two", "42")]
    [InlineData("one hundred", "100")]
    [InlineData("a hundred", "100")]
    [InlineData("one hundred and twenty three", "123")]
    [InlineData("nine hundred ninety nine", "999")]
    [InlineData("twelve hundred", "1200")]
    [InlineData("two thousand and twenty four", "2024")]
    [InlineData("a thousand", "1000")]
    [InlineData("forty five thousand six hundred and seven", "45607")]
    [InlineData("one million two hundred thousand", "1200000")]
    [InlineData("three point five", "3.5")]
    [InlineData("three point one four", "3.14")]
    [InlineData("zero point two five", "0.25")]
    [InlineData("negative five", "-5")]
    [InlineData("minus twenty", "-20")]
    [InlineData("3.5", "3.5")]
    [InlineData("1,000", "1000")]
    [InlineData("-12", "-12")]
    [InlineData("3 million", "3000000")]
    public void Parses_english(string text, string expected)
    {
        NumberWords.TryParseEnglish(text, out var value).ShouldBeTrue();
        value.ShouldBe(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("five twenty")]
    [InlineData("hundred")]
    [InlineData("and five")]
    public void Rejects_what_is_not_one_english_number(string text) =>
        NumberWords.TryParseEnglish(text, out _).ShouldBeFalse();

    [Theory]
    [InlineData("零", "0")]
    [InlineData("七", "7")]
    [InlineData("十", "10")]
    [InlineData("十二", "12")]
    [InlineData("二十", "20")]
    [InlineData("二十三", "23")]
    [InlineData("一百", "100")]
    [InlineData("一百零五", "105")]
    [InlineData("一百一十五", "115")]
    [InlineData("一百五", "150")]
    [InlineData("两千三百四十五", "2345")]
    [InlineData("三千零五十", "3050")]
    [InlineData("一千五", "1500")]
    [InlineData("一万", "10000")]
    [InlineData("两万五", "25000")]
    [InlineData("三万五千", "35000")]
    [InlineData("一亿三千万", "130000000")]
    [InlineData("三点五", "3.5")]
    [InlineData("三点一四", "3.14")]
    [InlineData("零点五", "0.5")]
    [InlineData("负五", "-5")]
    [InlineData("12", "12")]
    [InlineData("3.5", "3.5")]
    [InlineData("3万", "30000")]
    public void Parses_chinese(string text, string expected)
    {
        NumberWords.TryParseChinese(text, out var value).ShouldBeTrue();
        value.ShouldBe(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("")]
    [InlineData("你好")]
    [InlineData("百")]
    public void Rejects_what_is_not_a_chinese_number(string text) =>
        NumberWords.TryParseChinese(text, out _).ShouldBeFalse();

    [Fact]
    public void Stops_at_the_end_of_the_number_and_reports_where()
    {
        string[] tokens = ["what", "is", "twelve", "times", "seven"];
        var index = 2;
        NumberWords.TryParseEnglish(tokens, ref index, out var value).ShouldBeTrue();
        (value, index).ShouldBe((12m, 3));

        var chineseIndex = 0;
        NumberWords.TryParseChinese("十二乘以七", ref chineseIndex, out var chinese).ShouldBeTrue();
        (chinese, chineseIndex).ShouldBe((12m, 2));
    }
}
