// The Letta decoders and encoders: answers as Letta 0.13 sends them decode, malformed ones are
// parse errors (never an empty value), and request bodies carry exactly what Letta reads.

#include "hvs/letta/client.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

namespace hvs {
namespace {

namespace json = boost::json;

TEST(LettaDecoders, AgentWithToolsTagsAndCreatedAt) {
    auto a = letta::decode_agent(
        R"({"id":"agent-1","name":"Huly - Web","tags":["huly-vibe-sync","project:WEB",7],
            "tools":[{"id":"tool-1","name":"send_message","tool_type":"letta_core"}],
            "created_at":"2025-11-03T10:00:00Z","memory":{"blocks":[]}})");
    ASSERT_TRUE(a) << a.error().describe();
    EXPECT_EQ(a->id, "agent-1");
    EXPECT_EQ(a->name, "Huly - Web");
    EXPECT_EQ(a->tags, (std::vector<std::string>{"huly-vibe-sync", "project:WEB"}));  // non-strings ignored
    ASSERT_EQ(a->tools.size(), 1u);
    EXPECT_EQ(a->tools[0], (letta::tool{"tool-1", "send_message"}));
    EXPECT_EQ(a->created_at, "2025-11-03T10:00:00Z");
}

TEST(LettaDecoders, AgentWithoutRelationshipsIsStillAnAgent) {
    // A 1.x-flavoured answer: no tags, no tools, created_at null.
    auto a = letta::decode_agent(R"({"id":"agent-2","name":"x","created_at":null})");
    ASSERT_TRUE(a) << a.error().describe();
    EXPECT_TRUE(a->tags.empty());
    EXPECT_TRUE(a->tools.empty());
    EXPECT_EQ(a->created_at, "");
}

TEST(LettaDecoders, MalformedAgentsAreParseErrors) {
    for (const char* body : {"", "[]", R"({"name":"x"})", R"({"id":1,"name":"x"})",
                             R"({"id":"a","name":"x","tools":[{"id":"t"}]})"}) {
        auto a = letta::decode_agent(body);
        ASSERT_FALSE(a) << body;
        EXPECT_EQ(a.error().kind, error_kind::parse) << body;
    }
    auto list = letta::decode_agents(R"([{"id":"a","name":"x"},{"id":"b"}])");
    ASSERT_FALSE(list);
    EXPECT_EQ(list.error().kind, error_kind::parse);
    EXPECT_FALSE(letta::decode_agents(R"({"agents":[]})"));
}

TEST(LettaDecoders, ToolsListAndItsErrors) {
    auto tools = letta::decode_tools(R"([{"id":"tool-1","name":"a"},{"id":"tool-2","name":"b","extra":1}])");
    ASSERT_TRUE(tools) << tools.error().describe();
    ASSERT_EQ(tools->size(), 2u);
    EXPECT_EQ((*tools)[1].name, "b");
    EXPECT_TRUE(letta::decode_tools("[]")->empty());
    EXPECT_FALSE(letta::decode_tools(R"({"detail":"Not Found"})"));
    EXPECT_FALSE(letta::decode_tools(R"([{"id":"tool-1"}])"));
}

TEST(LettaDecoders, BlockWithNullValueIsEmpty) {
    auto b = letta::decode_block(R"({"id":"block-1","label":"persona","value":"hello","limit":20000})");
    ASSERT_TRUE(b) << b.error().describe();
    EXPECT_EQ(b->id, "block-1");
    EXPECT_EQ(b->label, "persona");
    EXPECT_EQ(b->value, "hello");
    auto empty = letta::decode_block(R"({"id":"block-2","label":"human","value":null})");
    ASSERT_TRUE(empty);
    EXPECT_EQ(empty->value, "");
    EXPECT_FALSE(letta::decode_block(R"({"id":"block-3"})"));
    EXPECT_FALSE(letta::decode_block("null"));
}

TEST(LettaEncoders, AgentSpecCarriesTagsToolsAndBlocksInOneBody) {
    letta::agent_spec spec;
    spec.name = "Huly - Web";
    spec.model = "anthropic/sonnet-4-5";
    spec.embedding = "letta/letta-free";
    spec.tags = {"huly-vibe-sync", "project:WEB"};
    spec.tool_ids = {"tool-1", "tool-2"};
    spec.memory_blocks.push_back({"persona", "p"});
    spec.block_ids = {"block-h"};
    auto body = json::parse(letta::encode_agent_spec(spec)).as_object();
    EXPECT_EQ(body.at("name"), "Huly - Web");
    EXPECT_EQ(body.at("agent_type"), "letta_v1_agent");
    EXPECT_EQ(body.at("model"), "anthropic/sonnet-4-5");
    EXPECT_EQ(body.at("embedding"), "letta/letta-free");
    EXPECT_EQ(body.at("include_base_tools"), true);
    EXPECT_EQ(body.at("tags"), (json::array{"huly-vibe-sync", "project:WEB"}));
    EXPECT_EQ(body.at("tool_ids"), (json::array{"tool-1", "tool-2"}));
    EXPECT_EQ(body.at("block_ids"), (json::array{"block-h"}));
    const auto& blocks = body.at("memory_blocks").as_array();
    ASSERT_EQ(blocks.size(), 1u);
    EXPECT_EQ(blocks[0].at("label"), "persona");
    EXPECT_EQ(blocks[0].at("value"), "p");
    EXPECT_EQ(blocks[0].at("limit"), 60000);
}

TEST(LettaDecoders, AgentBlocksAndAgentFolders) {
    auto blocks = letta::decode_blocks(R"([{"id":"block-1","label":"persona","value":"p"},{"id":"block-2","label":"human"}])");
    ASSERT_TRUE(blocks) << blocks.error().describe();
    ASSERT_EQ(blocks->size(), 2u);
    EXPECT_EQ((*blocks)[1].id, "block-2");
    EXPECT_EQ((*blocks)[1].value, "");
    EXPECT_FALSE(letta::decode_blocks(R"({"id":"block-1"})"));

    auto agent = letta::decode_agent(R"({"id":"agent-1","name":"a","sources":[{"id":"source-1","name":"f"}]})");
    ASSERT_TRUE(agent) << agent.error().describe();
    EXPECT_EQ(agent->folder_ids, std::vector<std::string>{"source-1"});
    EXPECT_FALSE(letta::decode_agent(R"({"id":"agent-1","name":"a","sources":[{"name":"f"}]})"));
}

TEST(LettaDecoders, HealthVersion) {
    auto version = letta::decode_health_version(R"({"version":"0.16.8","status":"ok"})");
    ASSERT_TRUE(version) << version.error().describe();
    EXPECT_EQ(*version, "0.16.8");
    EXPECT_FALSE(letta::decode_health_version(R"({"status":"ok"})"));
    EXPECT_FALSE(letta::decode_health_version("<html>"));
}

TEST(LettaDecoders, FolderAndFolderList) {
    const char* one = R"({"id":"source-1","name":"Huly-WEB","description":null,"metadata":null,
        "embedding_config":{"embedding_model":"letta-free","embedding_dim":1536},"organization_id":"org-1"})";
    auto f = letta::decode_folder(one);
    ASSERT_TRUE(f) << f.error().describe();
    EXPECT_EQ(f->id, "source-1");
    EXPECT_EQ(f->name, "Huly-WEB");
    auto list = letta::decode_folders(std::string("[") + one + R"(,{"id":"source-2","name":"Huly-WEB-root"}])");
    ASSERT_TRUE(list) << list.error().describe();
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[1].name, "Huly-WEB-root");
    EXPECT_FALSE(letta::decode_folder(R"({"id":"source-1"})"));
    EXPECT_FALSE(letta::decode_folders(R"([{"name":"x"}])"));
    EXPECT_FALSE(letta::decode_folders("{}"));
}

TEST(LettaDecoders, FileKeyedOnOriginalFileName) {
    auto f = letta::decode_file(
        R"({"id":"file-1","source_id":"source-1","file_name":"Huly-WEB/WEB-README.md","original_file_name":"WEB-README.md",
            "file_type":"text/markdown","file_size":12,"processing_status":"parsing","total_chunks":null})");
    ASSERT_TRUE(f) << f.error().describe();
    EXPECT_EQ(f->id, "file-1");
    EXPECT_EQ(f->original_file_name, "WEB-README.md");
    EXPECT_EQ(f->processing_status, "parsing");
    // Without original_file_name: the stored name without its folder prefix.
    auto old = letta::decode_file(R"({"id":"file-2","file_name":"Huly-WEB/a.md"})");
    ASSERT_TRUE(old) << old.error().describe();
    EXPECT_EQ(old->original_file_name, "a.md");
    EXPECT_EQ(old->processing_status, "");
    EXPECT_FALSE(letta::decode_file(R"({"id":"file-3"})"));
    EXPECT_FALSE(letta::decode_file(R"({"original_file_name":"a.md"})"));
    auto files = letta::decode_files(R"([{"id":"file-1","original_file_name":"a.md"},{"id":"file-2","file_name":"b.md"}])");
    ASSERT_TRUE(files) << files.error().describe();
    ASSERT_EQ(files->size(), 2u);
    EXPECT_EQ((*files)[1].original_file_name, "b.md");
    EXPECT_FALSE(letta::decode_files(R"([{"id":"file-1"}])"));
    EXPECT_FALSE(letta::decode_files(R"({"detail":"x"})"));
}

TEST(LettaEncoders, FolderSpecHasOnlyNameAndEmbedding) {
    // SourceCreate forbids unknown fields (422), so nothing else may appear.
    auto body = json::parse(letta::encode_folder_spec("Huly-WEB", "letta/letta-free")).as_object();
    EXPECT_EQ(body, (json::object{{"name", "Huly-WEB"}, {"embedding", "letta/letta-free"}}));
}

TEST(LettaEncoders, AgentTagsBodyCarriesOnlyTheTags) {
    // Any other field of AgentUpdate would be changed too (tool_ids would replace the tool set).
    auto body = json::parse(letta::encode_agent_tags({"huly-vibe-sync", "project:WEB"})).as_object();
    EXPECT_EQ(body, (json::object{{"tags", json::array{"huly-vibe-sync", "project:WEB"}}}));
}

TEST(LettaEncoders, AgentToolIdsBodyCarriesOnlyTheToolSet) {
    auto body = json::parse(letta::encode_agent_tool_ids({"tool-1", "tool-2"})).as_object();
    EXPECT_EQ(body, (json::object{{"tool_ids", json::array{"tool-1", "tool-2"}}}));
}

TEST(LettaDecoders, AnAgentReadWithItsMemoryCarriesItsBlocks) {
    auto a = letta::decode_agent(R"({"id":"agent-1","name":"A","tools":[],"blocks":[
        {"id":"block-1","label":"scratchpad","value":"notes"},{"id":"block-2","label":"project","value":null}]})");
    ASSERT_TRUE(a) << a.error().message;
    ASSERT_EQ(a->blocks.size(), 2u);
    EXPECT_EQ(a->blocks[0].label, "scratchpad");
    EXPECT_EQ(a->blocks[0].value, "notes");
    EXPECT_EQ(a->blocks[1].value, "");
    EXPECT_FALSE(letta::decode_agent(R"({"id":"agent-1","name":"A","blocks":[{"label":"x"}]})"));
}

TEST(LettaEncoders, BoundaryNeverOccursInTheContent) {
    std::string content = "plain text";
    auto boundary = letta::multipart_boundary(content);
    EXPECT_EQ(content.find(boundary), std::string::npos);
    EXPECT_EQ(boundary, letta::multipart_boundary(content));  // deterministic
    // Content that embeds the first choice gets another one.
    std::string tricky = "x " + boundary + " y";
    auto other = letta::multipart_boundary(tricky);
    EXPECT_EQ(tricky.find(other), std::string::npos);
    EXPECT_LE(other.size(), 70u);  // RFC 2046 limit
}

TEST(LettaEncoders, UploadIsOneFilePartWithQuotedName) {
    letta::upload file;
    file.file_name = "WEB-README.md";
    file.content = "# Web\r\nline two\n";
    file.content_type = "text/markdown";
    auto body = letta::encode_upload(file, "B0UND");
    EXPECT_EQ(body,
              "--B0UND\r\n"
              "Content-Disposition: form-data; name=\"file\"; filename=\"WEB-README.md\"\r\n"
              "Content-Type: text/markdown\r\n"
              "\r\n"
              "# Web\r\nline two\n"
              "\r\n--B0UND--\r\n");
    file.file_name = "a\"b\\c\r\nd.md";
    auto escaped = letta::encode_upload(file, "B");
    EXPECT_NE(escaped.find("filename=\"a_b_c__d.md\"\r\n"), std::string::npos);
}

}  // namespace
}  // namespace hvs
