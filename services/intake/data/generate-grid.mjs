// Generates grid.json: a demo unit grid (单元网格, CJ/T 213) for Jiaozuo (焦作市).
// Run: node services/intake/data/generate-grid.mjs
// A regular lattice of ~100 m × 100 m cells (≈10,000 m², the CJ/T 213 guideline) placed roughly
// where each district lies; real grids follow streets and buildings, this one is for demos/tests.
// Cell id: 6-digit district code + 3-digit street + 3-digit community + 3-digit cell serial.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CELL_M = 100;
const LAT0 = 35.2;
const DLAT = CELL_M / 111_320; // degrees of latitude per 100 m
const DLON = CELL_M / (111_320 * Math.cos((LAT0 * Math.PI) / 180)); // degrees of longitude per 100 m at 35.2°N
const COLS_PER_STREET = 4; // each street: 4 cells wide
const ROWS_PER_COMMUNITY = 3; // each community: 3 cells tall, the full street width

const districts = [
  {
    code: '410803',
    zh: '中站区',
    en: 'Zhongzhan',
    lon: 113.15,
    lat: 35.232,
    streets: [
      ['李封街道', 'Lifeng', ['李封社区', '焦西社区']],
      ['王封街道', 'Wangfeng', ['王封社区', '东王封社区']],
      ['许衡街道', 'Xuheng', ['许衡社区', '龙翔社区']],
    ],
  },
  {
    code: '410802',
    zh: '解放区',
    en: 'Jiefang',
    lon: 113.2,
    lat: 35.23,
    streets: [
      ['焦北街道', 'Jiaobei', ['焦北社区', '工人村社区']],
      ['民主街道', 'Minzhu', ['民主社区', '解放社区']],
      ['七百间街道', 'Qibaijian', ['七百间社区', '和平社区']],
    ],
  },
  {
    code: '410811',
    zh: '山阳区',
    en: 'Shanyang',
    lon: 113.25,
    lat: 35.225,
    streets: [
      ['百间房街道', 'Baijianfang', ['百间房社区', '丰收社区']],
      ['艺新街道', 'Yixin', ['艺新社区', '塔南社区']],
      ['太行街道', 'Taihang', ['太行社区', '新城社区']],
    ],
  },
  {
    code: '410804',
    zh: '马村区',
    en: 'Macun',
    lon: 113.31,
    lat: 35.25,
    streets: [
      ['马村街道', 'Macun', ['马村社区', '待王社区']],
      ['冯营街道', 'Fengying', ['冯营社区', '九里山社区']],
      ['演马街道', 'Yanma', ['演马社区', '北山社区']],
    ],
  },
  {
    code: '410871',
    zh: '示范区',
    en: 'Demonstration Zone',
    lon: 113.23,
    lat: 35.17,
    streets: [
      ['文苑街道', 'Wenyuan', ['文苑社区', '世纪社区']],
      ['李万街道', 'Liwan', ['李万社区', '新苑社区']],
      ['阳庙镇', 'Yangmiao', ['阳庙村', '苏蔺村']],
    ],
  },
];

const round = (x) => Math.round(x * 1e7) / 1e7; // ~1 cm
const ring = (lon, lat, w, h) => [
  [round(lon), round(lat)],
  [round(lon + w), round(lat)],
  [round(lon + w), round(lat + h)],
  [round(lon), round(lat + h)],
  [round(lon), round(lat)],
];

const cells = [];
const districtList = districts.map((d) => {
  const streets = d.streets.map(([zh, en, communities], s) => {
    const streetCode = String(s + 1).padStart(3, '0');
    return {
      code: streetCode,
      name: { zh, en: `${en} Subdistrict` },
      communities: communities.map((community, c) => {
        const communityCode = String(c + 1).padStart(3, '0');
        let serial = 0;
        for (let row = 0; row < ROWS_PER_COMMUNITY; row++) {
          for (let col = 0; col < COLS_PER_STREET; col++) {
            serial += 1;
            const lon = d.lon + (s * COLS_PER_STREET + col) * DLON;
            const lat = d.lat + (c * ROWS_PER_COMMUNITY + row) * DLAT;
            cells.push({
              id: `${d.code}${streetCode}${communityCode}${String(serial).padStart(3, '0')}`,
              district: d.zh,
              street: zh,
              community,
              polygon: { type: 'Polygon', coordinates: [ring(lon, lat, DLON, DLAT)] },
            });
          }
        }
        return { code: communityCode, name: { zh: community, en: `${community} community` } };
      }),
    };
  });
  const width = d.streets.length * COLS_PER_STREET * DLON;
  const height = 2 * ROWS_PER_COMMUNITY * DLAT;
  return {
    code: d.code,
    name: { zh: d.zh, en: d.en },
    bbox: [round(d.lon), round(d.lat), round(d.lon + width), round(d.lat + height)],
    streets,
  };
});

// The city's boundary: a simplified octagon around the urban districts (the real one is far larger
// and includes the counties), enough to tell "outside the city" from "in the city, off the grid".
const boundary = {
  type: 'Polygon',
  coordinates: [
    [
      [113.13, 35.2],
      [113.16, 35.16],
      [113.22, 35.15],
      [113.3, 35.16],
      [113.35, 35.22],
      [113.34, 35.27],
      [113.25, 35.275],
      [113.15, 35.26],
      [113.13, 35.2],
    ],
  ],
};

const grid = {
  version: '2025.1',
  generatedBy: 'services/intake/data/generate-grid.mjs',
  note: 'Demo unit grid for Jiaozuo; coordinates are WGS84 [lon, lat] as GeoJSON requires.',
  city: { name: { zh: '焦作市', en: 'Jiaozuo' }, adminCode: '410800', boundary },
  districts: districtList,
  cells,
};

const out = fileURLToPath(new URL('./grid.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(grid)}\n`);
console.log(`wrote ${cells.length} cells in ${districtList.length} districts to ${out}`);
