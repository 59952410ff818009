using VoiceAgent.Api.Recorded;

namespace VoiceAgent.Api.Tests.Recorded;

/// <summary>The packet rules without a socket: order, duplicates, gaps, limits.</summary>
public sealed class PacketAssemblerTests
{
    [Fact]
    public void Packets_in_any_order_assemble_in_seq_order_and_a_duplicate_is_not_counted()
    {
        var upload = new PacketAssembler("audio", maxPackets: 10, maxBytes: 100);
        upload.Add(3, 3, [5, 6]).Status.ShouldBe(PacketStatus.Accepted);
        upload.Add(1, 3, [1, 2]).Status.ShouldBe(PacketStatus.Accepted);
        upload.Add(3, 3, [5, 6]).Status.ShouldBe(PacketStatus.Duplicate);
        upload.Received.ShouldBe(2);
        upload.Missing().ShouldBe([2]);
        upload.Add(2, 3, [3, 4]).Status.ShouldBe(PacketStatus.Accepted);
        upload.IsComplete.ShouldBeTrue();
        upload.Assemble().ShouldBe(new byte[] { 1, 2, 3, 4, 5, 6 });
    }

    [Theory]
    [InlineData(0, 3, "seq_out_of_range")]
    [InlineData(4, 3, "seq_out_of_range")]
    [InlineData(1, 0, "bad_total")]
    [InlineData(1, 11, "bad_total")]
    public void Numbers_outside_the_rules_are_rejected(int seq, int total, string code)
    {
        var upload = new PacketAssembler("audio", maxPackets: 10, maxBytes: 100);
        var outcome = upload.Add(seq, total, [1]);
        outcome.Status.ShouldBe(PacketStatus.Rejected);
        outcome.Error!.Code.ShouldBe(code);
        upload.HasPackets.ShouldBeFalse();
    }

    [Fact]
    public void An_upload_over_its_byte_limit_is_discarded()
    {
        var upload = new PacketAssembler("image", maxPackets: 10, maxBytes: 3);
        upload.Add(1, 2, [1, 2]).Status.ShouldBe(PacketStatus.Accepted);
        upload.Add(2, 2, [3, 4]).Error!.Code.ShouldBe("upload_too_large");
        upload.HasPackets.ShouldBeFalse();
    }

    [Fact]
    public void The_missing_error_lists_the_missing_numbers()
    {
        var upload = new PacketAssembler("audio", maxPackets: 10, maxBytes: 100);
        upload.Add(2, 4, [1]);
        var error = upload.MissingError("At the end message");
        error.Code.ShouldBe("missing_packets");
        error.Missing.ShouldBe([1, 3, 4]);
        error.Message.ShouldContain("missing: 1, 3, 4");
    }
}
